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
.include "macros.inc"
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

FAST_CODE sf6502_mul_image, SF6502_MUL_RUN
special:
    sec
    rts

; MA * MB -> AB, packed
sf6502_mul_core:
    jsr sf6502_mul_unpacked
    bcs special
    lda exp_lo
    PACK sf6502_ab, sign, P3, P4, P5
    clc
    rts

; MA * MB -> sf6502_mul_sign, sf6502_mul_exp (1..254), significand P5..P3 (bit 23 set)
sf6502_mul_unpacked:
    ; exponents: byte 3 << 1 | bit 7 of byte 2; 0 and $FF are not normal
    EXPONENT sf6502_mb
    beq special
    cmp #$FF
    beq special
    sta exp_lo
    EXPONENT sf6502_ma
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

    TABLE_PAGES
    lda #0
    sta P4
    sta P5

    ; the first row, a0 * b, written into P3..P0 (nothing there yet to add to)
    lda sf6502_ma
    MULTIPLIER
    FIRST_ROW sf6502_mb, sf6502_mb+1, b2, P0, P1, P2, P3
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
    ROUND_EVEN P2, P3, P4, P5, exp_lo, P1, P0, exp_hi
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
    TAKE_OPERANDS sf6502_ma, sf6502_mb
    jsr sf6502_mul_core
    bcs @slow
    jsr incsp4
    LOAD_EAX sf6502_ab
    clc
    rts
@slow:
    LOAD_EAX sf6502_mb
    FALLBACK _sf32_mul

FAST_CODE_END sf6502_mul_end, SF6502_ADD_RUN
