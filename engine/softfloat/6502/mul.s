; Multiplication of two normal binary32 numbers (MA * MB -> AB), round to nearest even.
;
; The 24-bit significands (hidden bit set) are multiplied exactly into the 48-bit P5..P0
; from nine 8x8-bit products (quarter squares, squares.s), each added into its column as
; it is made. The product lies in [2^46, 2^48): if bit 47 is clear it is shifted left once.
; The 24 bits kept are then P5..P3, P2 is the round byte and P1 | P0 the sticky part:
; above half an ulp rounds up, below rounds down, exactly half rounds to even. A carry out
; of rounding gives significand 2^23 and one more in the exponent. Biased exponent:
; ea + eb - 127, one more when bit 47 was set. Anything but normal operands and a normal
; result (zeros, subnormals, infinities, NaNs, underflow, overflow) returns carry set.
.include "regs.inc"
.import _sf32_mul, incsp4
.ifndef __C64__
.export _sf32_mul_6502 := sf6502_mul_entry
.endif

.segment "BSS"
sf6502_mul_exp:     ; biased exponent of the product, 16 bits while it may be out of range
exp_lo: .res 1
exp_hi: .res 1
sf6502_mul_sign:    ; the product's sign (bit 7)
sign:   .res 1
b2:     .res 1      ; MB's top significand byte with the hidden bit
hi:     .res 1

; Sets the four table pointers to the multiplier byte in A: square + m, nsquare + (m ^ $FF)
; (their high bytes are set once per product: the tables start on page boundaries).
.macro MULTIPLIER
    sta SQL
    sta SQH
    eor #$FF
    sta NQL
    sta NQH
.endmacro

; multiplier * by: low byte in X, high byte in A
.macro FIRST_PRODUCT by
    ldy by
    sec
    lda (SQL),y
    sbc (NQL),y
    tax
    lda (SQH),y
    sbc (NQH),y
.endmacro

; Adds (multiplier * by) into the product at column lo_byte/hi_byte, the carry rippling
; through the columns above (up to four names, the ones that exist).
.macro PRODUCT by, lo_byte, hi_byte, c2, c3, c4, c5
    .local done
    ldy by
    sec
    lda (SQL),y
    sbc (NQL),y
    tax
    lda (SQH),y
    sbc (NQH),y
    tay                 ; the next product loads its own index
    txa
    clc
    adc lo_byte
    sta lo_byte
    tya
    adc hi_byte
    sta hi_byte
    .ifnblank c2
    bcc done
    inc c2
    .ifnblank c3
    bne done
    inc c3
    .ifnblank c4
    bne done
    inc c4
    .ifnblank c5
    bne done
    inc c5
    .endif
    .endif
    .endif
done:
    .endif
.endmacro

FAST_CODE sf6502_mul_image, SF6502_MUL_RUN
special:
    sec
    rts

; MA * MB -> AB, packed
sf6502_mul_core:
    jsr sf6502_mul_unpacked
    bcs special
    lda exp_lo
    lsr                 ; carry: the exponent's low bit
    ora sign
    sta sf6502_ab+3
    lda P5
    and #$7F
    bcc :+
    ora #$80
:   sta sf6502_ab+2
    lda P4
    sta sf6502_ab+1
    lda P3
    sta sf6502_ab
    clc
    rts

; MA * MB -> sf6502_mul_sign, sf6502_mul_exp (1..254), significand P5..P3 (bit 23 set)
sf6502_mul_unpacked:
    ; exponents: byte 3 << 1 | bit 7 of byte 2; 0 and $FF are not normal
    lda sf6502_mb+2
    asl
    lda sf6502_mb+3
    rol
    beq special
    cmp #$FF
    beq special
    sta exp_lo
    lda sf6502_ma+2
    asl
    lda sf6502_ma+3
    rol
    beq special
    cmp #$FF
    beq special
    clc
    adc exp_lo
    sta exp_lo
    lda #0
    rol
    sta exp_hi          ; ea + eb, 2..508
    lda sf6502_ma+3
    eor sf6502_mb+3
    and #$80
    sta sign
    lda sf6502_mb+2
    ora #$80
    sta b2

    lda #>sf6502_square_lo
    sta SQL+1
    lda #>sf6502_square_hi
    sta SQH+1
    lda #>sf6502_nsquare_lo
    sta NQL+1
    lda #>sf6502_nsquare_hi
    sta NQH+1
    lda #0
    sta P4
    sta P5

    ; the first row, a0 * b, written into P3..P0 (nothing there yet to add to)
    lda sf6502_ma
    MULTIPLIER
    FIRST_PRODUCT sf6502_mb
    stx P0
    sta P1
    FIRST_PRODUCT sf6502_mb+1
    sta P2
    txa
    clc
    adc P1
    sta P1
    bcc :+
    inc P2              ; no carry out: a0 * b1 < 2^16 - 2^8
:   FIRST_PRODUCT b2
    sta P3
    txa
    clc
    adc P2
    sta P2
    bcc :+
    inc P3
:
    lda sf6502_ma+1
    MULTIPLIER
    PRODUCT sf6502_mb,   P1, P2, P3, P4, P5
    PRODUCT sf6502_mb+1, P2, P3, P4, P5
    PRODUCT b2,          P3, P4, P5
    lda sf6502_ma+2
    ora #$80
    MULTIPLIER
    PRODUCT sf6502_mb,   P2, P3, P4, P5
    PRODUCT sf6502_mb+1, P3, P4, P5
    PRODUCT b2,          P4, P5

    ; normalize, and take 127 (or 126 when bit 47 was set) off the exponent
    lda P5
    bmi top_set
    asl P1
    rol P2
    rol P3
    rol P4
    rol P5
    lda exp_lo
    sec
    sbc #127
    jmp exp_done
top_set:
    lda exp_lo
    sec
    sbc #126
exp_done:
    sta exp_lo
    lda exp_hi
    sbc #0
    sta exp_hi

    ; round to nearest even on the round byte P2 and the sticky bytes P1, P0
    lda P2
    cmp #$80
    bcc rounded
    bne round_up
    lda P1
    ora P0
    bne round_up
    lda P3
    lsr
    bcc rounded
round_up:
    inc P3
    bne rounded
    inc P4
    bne rounded
    inc P5
    bne rounded
    lda #$80            ; 2^24: significand 2^23, one more in the exponent
    sta P5
    inc exp_lo
    bne rounded
    inc exp_hi
rounded:
    ; the result must be normal: exponent 1..254
    lda exp_hi
    bne out_of_range
    lda exp_lo
    beq out_of_range
    cmp #$FF
    beq out_of_range
    clc
    rts
out_of_range:
    sec
    rts

; The body of sf32 __fastcall__ sf32_mul_6502(sf32 a, sf32 b): a on the C stack, b in
; A/X/sreg. Where the fast path declines, the C sf32_mul with the arguments as they came.
sf6502_mul_entry:
    sta sf6502_mb
    stx sf6502_mb+1
    lda sreg
    sta sf6502_mb+2
    lda sreg+1
    sta sf6502_mb+3
    ldy #3
:   lda (sp),y
    sta sf6502_ma,y
    dey
    bpl :-
    jsr sf6502_mul_core
    bcs @slow
    jsr incsp4
    lda sf6502_ab+3
    sta sreg+1
    lda sf6502_ab+2
    sta sreg
    ldx sf6502_ab+1
    lda sf6502_ab
    clc
    rts
@slow:
    lda sf6502_mb+3
    sta sreg+1
    lda sf6502_mb+2
    sta sreg
    ldx sf6502_mb+1
    lda sf6502_mb
    FALLBACK _sf32_mul

FAST_CODE_END sf6502_mul_end, SF6502_ADD_RUN
