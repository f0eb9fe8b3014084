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
.include "macros.inc"
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

; SET_SUM exp: the sum's exponent := exp, its significand := P5..P3 (the sign apart).
; Clobbers A.
.macro SET_SUM exp
    lda exp
    sta sum_e
    lda P5
    sta sum_m+2
    lda P4
    sta sum_m+1
    lda P3
    sta sum_m
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
:   LOAD_EAX sf6502_aa
    rts

slow:
    jsr slow_step
    jsr table_pages
    jmp next

; The square tables' pages into the high bytes of the table pointers.
table_pages:
    TABLE_PAGES
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
    FIRST_ROW xb0, xb1, xb2, P2, P3, P4, P5
    ; w0 * x: w0 * x1 and w0 * x2; w0 * x0 only where rounding may depend on it (below)
    ldy #0
    lda (WPTR),y
    MULTIPLIER
    PRODUCT_LOW_NEW xb1, P1, P2, P3, P4, P5
    PRODUCT xb2, P2, P3, P4, P5
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
    ROUND_EVEN P2, P3, P4, P5, pexp, P1, P0
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
    PRODUCT_LOW_NEW xb0, P0, P1, P2, P3, P4, P5 ; no carry out of P5: below 2^48
    rts

; sum := sum + product. Carry set (the sum untouched) where the result would not be
; normal or +0.
add_product:
    lda sum_e
    bne @nonzero
    lda psign           ; +0 + p = p
    sta sum_s
    SET_SUM pexp
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
    ADD_TO P3, P4, P5, sum_m, sum_m+1, sum_m+2
    bcc @sum_round
    jsr carry_in
@sum_round:
    jsr round
    bcs @out
    jmp store_sum
@sum_minus_product:
    SUBTRACT_FROM P2, P3, P4, P5, sum_m, sum_m+1, sum_m+2
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
    ADD_TO P3, P4, P5, x_m, x_m+1, x_m+2
    bcc @product_round
    jsr carry_in
@product_round:
    jsr round
    bcs @out
    jmp @store_sign
@product_minus_sum:
    SUBTRACT_FROM P2, P3, P4, P5, x_m, x_m+1, x_m+2
    jsr normalize
    bcs @out
@store_sign:
    lda psign
    sta sum_s
store_sum:              ; the result (x_e, P5..P3) is the sum; an exponent 0 means +0
    SET_SUM x_e
    clc
    rts

; A carry out of the significands' sum: shifted back in at bit 31, the lost bit jammed
; into bit 0
carry_in:
    CARRY_BACK_IN P2, P3, P4, P5, x_e
    rts

; Y (P5..P3, guard byte P2) shifted right by A bits, the lost bits jammed into bit 0
align:
    ldx #0
    stx P2
    stx STICKY
    tax
    bne :+
    rts
:   SHIFT_RIGHT_JAM P2, P3, P4, P5, P1

; After a subtraction: an exact zero gives +0 (x_e = 0); else shifted left until bit 31 is
; set, then rounded. Carry set where the exponent would leave the normal range.
normalize:
    ora P4
    ora P3
    ora P2
    bne nonzero
    sta x_e             ; exactly zero: +0
    clc
    rts
nonzero:
    NORMALIZE P2, P3, P4, P5, x_e, round, out_of_range
    jmp round
out_of_range:
    sec
    rts

; Rounds P5..P3 to nearest even on the guard byte P2; carry set where the exponent
; reaches 255.
round:
    ROUND_EVEN P2, P3, P4, P5, x_e
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
:   PACK sf6502_aa, sum_s, sum_m, sum_m+1, sum_m+2
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
:   LOAD_EAX sf6502_aa      ; the sum, pushed for sf32_add
    jsr pusheax
    LOAD_EAX sf6502_ma      ; sf32_mul(w[j], x[j])
    jsr pusheax
    LOAD_EAX sf6502_mb
    jsr _sf32_mul
    jsr _sf32_add
    STORE_EAX sf6502_aa
    lda w_save
    sta WPTR
    lda w_save+1
    sta WPTR+1
    lda x_save
    sta XPTR
    lda x_save+1
    sta XPTR+1
    ; unpack: exponent 1..254, or all zero bits (+0); else the sum stays packed
    EXPONENT sf6502_aa
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
