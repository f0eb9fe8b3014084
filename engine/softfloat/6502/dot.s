; f32 __fastcall__ dot(const f32 *w, const f32 *x, int n): w . x summed j = 0..n-1 as
; engine/kernels.c does it (val = 0; val = val + w[j] * x[j], the product rounded, then the
; sum), for the 6502 builds.
;
; Each step multiplies as mul.s does (nine 8x8-bit products by quarter squares, one
; rounding to nearest even), but read straight from the vectors and kept unpacked (sign,
; exponent, 24-bit significand), and adds that into the sum, which stays unpacked between
; the steps too (exponent 0 for +0): add.s's algorithm on those parts. The larger
; magnitude is X, the smaller, Y, is shifted right in P5..P2 (P2 its guard byte), and the
; result is made there. The square tables' pages are set once per call (and again after a
; call into C). The exponents decide before multiplying whether the product is surely
; normal (128 <= ea + eb <= 379); otherwise, or where an operand is not normal or the sum
; would leave the normal range, the step is done by the C soft-float on the packed sum;
; after it the sum is unpacked again if it is normal or +0, else (subnormal, -0, infinite,
; NaN) every further step is done by the C soft-float.
.include "regs.inc"
.import _sf32_mul, _sf32_add, incsp4, pusheax
.ifndef __C64__
.export _dot := sf6502_dot_entry
.endif

FAST_VAR count,  2, 0   ; elements left
FAST_VAR w_save, 2, 2
FAST_VAR x_save, 2, 4
FAST_VAR sum_e,  1, 6   ; the sum: biased exponent (0: +0), sign (bit 7), significand
FAST_VAR sum_s,  1, 7
FAST_VAR sum_m,  3, 8
FAST_VAR packed, 1, 11  ; nonzero: the sum is only in sf6502_aa (packed), the C code does the rest
FAST_VAR x_m,    3, 12  ; X's significand (add), where X is the product
FAST_VAR x_e,    1, 15  ; the result's exponent (add)
FAST_VAR signs,  1, 16  ; bit 7: the signs differ
FAST_VAR xb0,    1, 17  ; x[j]'s significand bytes (xb2 with the hidden bit): table indexes
FAST_VAR xb1,    1, 18
FAST_VAR xb2,    1, 19
FAST_VAR pexp,   1, 20  ; the product: biased exponent, sign (bit 7); significand P5..P3
FAST_VAR psign,  1, 21

; Sets the four table pointers to the multiplier byte in A: square + m, nsquare + (m ^ $FF)
; (their high bytes are set once per call: the tables start on page boundaries).
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
; through the columns above (up to three names, the ones that exist).
.macro PRODUCT by, lo_byte, hi_byte, c2, c3, c4
    .local done
    ldy by
    sec
    lda (SQL),y
    sbc (NQL),y
    tax
    lda (SQH),y
    sbc (NQH),y
    tay
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
    .endif
    .endif
done:
    .endif
.endmacro

FAST_CODE sf6502_dot_image, SF6502_DOT_RUN
sf6502_dot_entry:
    sta count
    stx count+1
    ldy #0
    lda (sp),y
    sta XPTR
    iny
    lda (sp),y
    sta XPTR+1
    iny
    lda (sp),y
    sta WPTR
    iny
    lda (sp),y
    sta WPTR+1
    jsr incsp4
    lda #0
    sta sum_e
    sta packed
    lda count+1
    bmi done            ; n <= 0: 0
    ora count
    beq done
    jsr table_pages
loop:
    lda packed
    bne slow
    jsr product
    bcs slow
    jsr add_product
    bcs slow
next:
    clc
    lda WPTR
    adc #4
    sta WPTR
    bcc :+
    inc WPTR+1
:   clc
    lda XPTR
    adc #4
    sta XPTR
    bcc :+
    inc XPTR+1
:   lda count
    bne :+
    dec count+1
:   dec count
    bne loop
    lda count+1
    bne loop
done:
    lda packed
    bne :+
    jsr pack_sum
:   lda sf6502_aa+3
    sta sreg+1
    lda sf6502_aa+2
    sta sreg
    ldx sf6502_aa+1
    lda sf6502_aa
    rts

slow:
    jsr slow_step
    jsr table_pages
    jmp next

; The square tables' pages into the high bytes of the table pointers.
table_pages:
    lda #>sf6502_square_lo
    sta SQL+1
    lda #>sf6502_square_hi
    sta SQH+1
    lda #>sf6502_nsquare_lo
    sta NQL+1
    lda #>sf6502_nsquare_hi
    sta NQH+1
    rts

declined:
    sec
    rts

; w[j] * x[j] -> psign, pexp (1..254), significand P5..P3 (bit 23 set), rounded to
; nearest even; carry set where an operand is not normal or the product may not be.
product:
    ; x: exponent (byte 3 << 1 | bit 7 of byte 2), 0 and $FF are not normal
    ldy #2
    lda (XPTR),y
    tax
    asl
    iny
    lda (XPTR),y
    rol
    beq declined
    cmp #$FF
    beq declined
    sta pexp
    txa
    ora #$80
    sta xb2
    lda (XPTR),y
    eor (WPTR),y
    and #$80
    sta psign
    ; w's exponent; ea + eb - 127 is the product's, one more if its top bit is set and
    ; one more if rounding carries out: normal for sure when 128 <= ea + eb <= 379
    dey
    lda (WPTR),y
    asl
    iny
    lda (WPTR),y
    rol
    beq declined
    cmp #$FF
    beq declined
    clc
    adc pexp
    bcs @high
    cmp #128
    bcc declined
    sbc #127            ; carry set: ea + eb - 127
    jmp @exponent
@high:
    cmp #379 - 256 + 1
    bcs declined
    adc #256 - 127      ; carry clear
@exponent:
    sta pexp
    ldy #0
    lda (XPTR),y
    sta xb0
    iny
    lda (XPTR),y
    sta xb1

    ; w2 * x (w2 with the hidden bit) written into P5..P2: nothing there yet to add to
    ldy #2
    lda (WPTR),y
    ora #$80
    MULTIPLIER
    FIRST_PRODUCT xb0
    stx P2
    sta P3
    FIRST_PRODUCT xb1
    sta P4
    txa
    clc
    adc P3
    sta P3
    bcc :+
    inc P4              ; no carry out: a high byte is at most $FE
:   FIRST_PRODUCT xb2
    sta P5
    txa
    clc
    adc P4
    sta P4
    bcc :+
    inc P5
:
    ; w0 * x: w0 * x1 and w0 * x2; w0 * x0 only where rounding may depend on it (below)
    ldy #0
    lda (WPTR),y
    MULTIPLIER
    FIRST_PRODUCT xb1
    stx P1
    clc
    adc P2
    sta P2
    bcc :+
    inc P3
    bne :+
    inc P4
    bne :+
    inc P5
:   PRODUCT xb2, P2, P3, P4, P5
    ; w1 * x
    ldy #1
    lda (WPTR),y
    MULTIPLIER
    PRODUCT xb0, P1, P2, P3, P4, P5
    PRODUCT xb1, P2, P3, P4, P5
    PRODUCT xb2, P3, P4, P5

    ; P5..P1 now hold the product less w0 * x0 (< 2^16, column 0: P1 and P0), exactly.
    ; The result depends on that missing part only when the round byte, after the
    ; normalizing shift, is within 2 of half ($7E..$80) or of the top ($FE, $FF): see
    ; low_product. With P2 = the round byte's source, both cases are covered when
    ; (P2 + 1) & $3F < 2, i.e. P2 & $7F is $00, $3F, $40 or $7F.
    jsr low_product
    ; normalize: the product lies in [2^46, 2^48)
    lda P5
    bmi @top_set
    asl P1
    rol P2
    rol P3
    rol P4
    rol P5
    jmp @round
@top_set:
    inc pexp
@round:
    ; round to nearest even on the round byte P2 and the sticky bytes P1, P0 (P1 | P0 is
    ; read only for a round byte of exactly $80, which only a product with w0 * x0 added
    ; reaches, so P0 is then that product's low byte)
    lda P2
    cmp #$80
    bcc @rounded
    bne @up
    lda P1
    ora P0
    bne @up
    lda P3
    lsr
    bcc @rounded
@up:
    inc P3
    bne @rounded
    inc P4
    bne @rounded
    inc P5
    bne @rounded
    lda #$80            ; 2^24: significand 2^23, one more in the exponent
    sta P5
    inc pexp
@rounded:
    clc
    rts

; Adds w0 * x0 into columns 0 and 1 (P0, P1), the carry rippling up: the exact product.
;
; Why leaving it out elsewhere is exact: let V be the exact product and V' = V - e the one
; without e = w0 * x0, 0 <= e <= 255^2 < 2^16, and L, L' the bits below the 24 kept after
; normalizing, counted in units where the round byte's lowest bit is 2^16. Unshifted (bit
; 47 set), L = L' + e; shifted once, L = L' + 2e < L' + 2^17: either way L - L' < 2^17, at
; most 2 in the round byte R' of V'. If R' <= $7D, L < $80 * 2^16, half an ulp: both
; round down. If $81 <= R' <= $FD, L' > half and L < 2^24, so nothing carries into the kept
; bits: both round up. R' = $7E..$80, $FE, $FF are the cases sent here: in the shifted case
; R' is (P2 << 1 | P1 >> 7) & $FF, so P2 & $7F is $3F, $40 or $7F; unshifted R' = P2, so
; P2 is $7F, $80 or $FF (P2 & $7F = $7F or $00); the test above sends all of those, and
; tests/softfloat_6502_fast_gen.c aims multiply-adds at each of them. A carry of e out of
; bit 46 into bit 47 (V' < 2^47 <= V) needs R' = $FF after the shift: sent here too.
low_product:
    ldy #0
    lda (WPTR),y
    MULTIPLIER
    FIRST_PRODUCT xb0
    stx P0
    clc
    adc P1
    sta P1
    bcc :+
    inc P2
    bne :+
    inc P3
    bne :+
    inc P4
    bne :+
    inc P5              ; no carry out: the product is below 2^48
:   rts

; sum := sum + product. Carry set (the sum untouched) where the result would not be
; normal or +0.
add_product:
    lda sum_e
    bne @nonzero
    lda pexp            ; +0 + p = p
    sta sum_e
    lda psign
    sta sum_s
    lda P5
    sta sum_m+2
    lda P4
    sta sum_m+1
    lda P3
    sta sum_m
    clc
    rts
@nonzero:
    lda sum_s
    eor psign
    sta signs
    lda sum_e
    cmp pexp
    bne :+
    lda sum_m+2
    cmp P5
    bne :+
    lda sum_m+1
    cmp P4
    bne :+
    lda sum_m
    cmp P3
:   bcc @product_larger
    ; X = the sum (read in place), Y = the product (in place); the result has the sum's sign
    lda sum_e
    sta x_e
    sec
    sbc pexp
    jsr align
    bit signs
    bmi @sum_minus_product
    clc                 ; X's guard byte is zero: P2 stays
    lda P3
    adc sum_m
    sta P3
    lda P4
    adc sum_m+1
    sta P4
    lda P5
    adc sum_m+2
    sta P5
    bcc @sum_round
    jsr carry_in
@sum_round:
    jsr round
    bcs @out
    jmp store_sum
@sum_minus_product:
    sec
    lda #0
    sbc P2
    sta P2
    lda sum_m
    sbc P3
    sta P3
    lda sum_m+1
    sbc P4
    sta P4
    lda sum_m+2
    sbc P5
    sta P5
    jsr normalize
    bcs @out
    jmp store_sum
@out:
    rts

@product_larger:        ; X = the product, Y = the sum; the result has the product's sign
    lda P3
    sta x_m
    lda P4
    sta x_m+1
    lda P5
    sta x_m+2
    lda sum_m
    sta P3
    lda sum_m+1
    sta P4
    lda sum_m+2
    sta P5
    lda pexp
    sta x_e
    sec
    sbc sum_e
    jsr align
    bit signs
    bmi @product_minus_sum
    clc
    lda P3
    adc x_m
    sta P3
    lda P4
    adc x_m+1
    sta P4
    lda P5
    adc x_m+2
    sta P5
    bcc @product_round
    jsr carry_in
@product_round:
    jsr round
    bcs @out
    jmp @store_sign
@product_minus_sum:
    sec
    lda #0
    sbc P2
    sta P2
    lda x_m
    sbc P3
    sta P3
    lda x_m+1
    sbc P4
    sta P4
    lda x_m+2
    sbc P5
    sta P5
    jsr normalize
    bcs @out
@store_sign:
    lda psign
    sta sum_s
store_sum:              ; the result (x_e, P5..P3) is the sum; an exponent 0 means +0
    lda x_e
    sta sum_e
    lda P5
    sta sum_m+2
    lda P4
    sta sum_m+1
    lda P3
    sta sum_m
    clc
    rts

; A carry out of the significands' sum: shifted back in at bit 31, the lost bit jammed
; into bit 0
carry_in:
    ror P5
    ror P4
    ror P3
    ror P2
    bcc :+
    lda P2
    ora #1
    sta P2
:   inc x_e
    rts

; Y (P5..P3, guard byte P2) shifted right by A bits, the lost bits jammed into bit 0: whole
; bytes first, then up to 4 bits right, or 5-7 as a byte right and 3-1 bits back left
align:
    ldx #0
    stx P2
    stx STICKY
    tax
    bne :+
    rts
:   cmp #32
    bcc @bytes
    lda #0              ; far below: only stickiness
    sta P5
    sta P4
    sta P3
    lda #1
    sta P2
    rts
@bytes:
    cmp #8
    bcc @bits
    tax
    lda P2
    ora STICKY
    sta STICKY
    lda P3
    sta P2
    lda P4
    sta P3
    lda P5
    sta P4
    lda #0
    sta P5
    txa
    sbc #8              ; carry is set (A >= 8)
    jmp @bytes
@bits:
    tax
    beq @jam
    cpx #5
    bcs @left
    lda STICKY
    beq @shift
    lda #1              ; keep the flag in bit 0: seven shifts cannot push it out
    sta STICKY
@shift:
    lsr P5
    ror P4
    ror P3
    ror P2
    rol STICKY
    dex
    bne @shift
@jam:
    lda STICKY
    beq @aligned
    lda P2
    ora #1
    sta P2
@aligned:
    rts
@left:                  ; 5..7 bits: one byte more, then 8 - bits back left (fewer shifts);
    lda P2              ; P1 takes the byte below the guard byte meanwhile
    sta P1
    lda P3
    sta P2
    lda P4
    sta P3
    lda P5
    sta P4
    lda #0
    sta P5
    txa
    eor #7
    tax
    inx
:   asl P1
    rol P2
    rol P3
    rol P4
    rol P5
    dex
    bne :-
    lda P1
    ora STICKY
    sta STICKY
    jmp @jam

; After a subtraction: an exact zero gives +0 (x_e = 0); else shifted left until bit 31 is
; set, then rounded. Carry set where the exponent would leave the normal range.
normalize:
    ora P4
    ora P3
    ora P2
    bne @nonzero
    sta x_e             ; exactly zero: +0
    clc
    rts
@nonzero:
    lda P5
    bne @bits
    lda P4              ; a whole byte (only if no bit was lost aligning)
    sta P5
    lda P3
    sta P4
    lda P2
    sta P3
    lda #0
    sta P2
    lda x_e
    sec
    sbc #8
    sta x_e
    bcc @out_of_range
    beq @out_of_range
    jmp @nonzero
@bits:
    lda P5
    bmi round
@shift:
    dec x_e
    beq @out_of_range
    asl P2
    rol P3
    rol P4
    rol P5
    bpl @shift
    jmp round
@out_of_range:
    sec
    rts

; Rounds P5..P3 to nearest even on the guard byte P2; carry set where the exponent
; reaches 255.
round:
    lda P2
    cmp #$80
    bcc @done
    bne @up
    lda P3
    lsr
    bcc @done
@up:
    inc P3
    bne @done
    inc P4
    bne @done
    inc P5
    bne @done
    lda #$80
    sta P5
    inc x_e
@done:
    lda x_e
    cmp #$FF            ; carry set: out of range
    rts

; The sum packed into sf6502_aa.
pack_sum:
    lda sum_e
    bne :+
    sta sf6502_aa       ; +0
    sta sf6502_aa+1
    sta sf6502_aa+2
    sta sf6502_aa+3
    rts
:   lsr                 ; carry: the exponent's low bit
    ora sum_s
    sta sf6502_aa+3
    lda sum_m+2
    and #$7F
    bcc :+
    ora #$80
:   sta sf6502_aa+2
    lda sum_m+1
    sta sf6502_aa+1
    lda sum_m
    sta sf6502_aa
    rts

; One step in C: sf6502_aa = sf32_add(sum, sf32_mul(w[j], x[j])), then the sum unpacked
; again where it is normal or +0. C code may use every zero page register: the vector
; pointers are kept aside.
slow_step:
    lda WPTR
    sta w_save
    lda WPTR+1
    sta w_save+1
    lda XPTR
    sta x_save
    lda XPTR+1
    sta x_save+1
    ldy #3              ; the operands, kept beside the sum (C code may change the pointers)
:   lda (WPTR),y
    sta sf6502_ma,y
    lda (XPTR),y
    sta sf6502_mb,y
    dey
    bpl :-
    lda packed
    bne :+
    jsr pack_sum
:   lda sf6502_aa+3     ; the sum, pushed for sf32_add
    sta sreg+1
    lda sf6502_aa+2
    sta sreg
    ldx sf6502_aa+1
    lda sf6502_aa
    jsr pusheax
    lda sf6502_ma+3     ; sf32_mul(w[j], x[j])
    sta sreg+1
    lda sf6502_ma+2
    sta sreg
    ldx sf6502_ma+1
    lda sf6502_ma
    jsr pusheax
    lda sf6502_mb+3
    sta sreg+1
    lda sf6502_mb+2
    sta sreg
    ldx sf6502_mb+1
    lda sf6502_mb
    jsr _sf32_mul
    jsr _sf32_add
    sta sf6502_aa
    stx sf6502_aa+1
    lda sreg
    sta sf6502_aa+2
    lda sreg+1
    sta sf6502_aa+3
    lda w_save
    sta WPTR
    lda w_save+1
    sta WPTR+1
    lda x_save
    sta XPTR
    lda x_save+1
    sta XPTR+1
    ; unpack: exponent 1..254, or all zero bits (+0); else the sum stays packed
    lda sf6502_aa+2
    asl
    lda sf6502_aa+3
    rol
    beq @zero_or_subnormal
    cmp #$FF
    beq @keep_packed
    sta sum_e
    lda sf6502_aa+3
    and #$80
    sta sum_s
    lda sf6502_aa+2
    ora #$80
    sta sum_m+2
    lda sf6502_aa+1
    sta sum_m+1
    lda sf6502_aa
    sta sum_m
    lda #0
    sta packed
    rts
@zero_or_subnormal:
    lda sf6502_aa+3
    ora sf6502_aa+2
    ora sf6502_aa+1
    ora sf6502_aa
    bne @keep_packed
    sta sum_e           ; +0
    sta packed
    rts
@keep_packed:
    lda #1
    sta packed
    rts

FAST_CODE_END sf6502_dot_end, SF6502_RUN_END
