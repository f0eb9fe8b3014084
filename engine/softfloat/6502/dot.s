; f32 __fastcall__ dot(const f32 *w, const f32 *x, int n): w . x summed j = 0..n-1 as
; engine/kernels.c does it (val = 0; val = val + w[j] * x[j], the product rounded, then the
; sum), for the 6502 builds.
;
; The sum stays unpacked between the steps (sign, exponent, 24-bit significand; exponent 0
; for +0), and so does each product (mul.s's sf6502_mul_unpacked): the addition is add.s's
; algorithm on those parts. The larger magnitude is X, read from memory; the smaller, Y,
; is shifted right in P5..P2 (P2 its guard byte), and the result is made there. A step
; whose multiply declines (an operand or the product not normal) or whose sum would leave
; the normal range is done by the C soft-float, on the packed sum; after it the sum is
; unpacked again if it is normal or +0, else (subnormal, -0, infinite, NaN) every further
; step is done by the C soft-float.
.include "regs.inc"
.import _sf32_mul, _sf32_add, incsp4, pusheax
.ifndef __C64__
.export _dot := sf6502_dot_entry
.endif

.segment "BSS"
count:  .res 2      ; elements left
w_save: .res 2
x_save: .res 2
sum_e:  .res 1      ; the sum: biased exponent (0: +0), sign (bit 7), significand
sum_s:  .res 1
sum_m:  .res 3
packed: .res 1      ; nonzero: the sum is only in sf6502_aa (packed), the C code does the rest
x_m:    .res 3      ; X's significand (add)
x_e:    .res 1      ; the result's exponent (add)
x_s:    .res 1      ; the result's sign (add)
signs:  .res 1      ; bit 7: the signs differ

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
loop:
    ldy #0
    lda (WPTR),y
    sta sf6502_ma
    lda (XPTR),y
    sta sf6502_mb
    iny
    lda (WPTR),y
    sta sf6502_ma+1
    lda (XPTR),y
    sta sf6502_mb+1
    iny
    lda (WPTR),y
    sta sf6502_ma+2
    lda (XPTR),y
    sta sf6502_mb+2
    iny
    lda (WPTR),y
    sta sf6502_ma+3
    lda (XPTR),y
    sta sf6502_mb+3
    lda packed
    bne slow
    jsr sf6502_mul_unpacked
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
    jmp next

; sum := sum + product, the product from sf6502_mul_unpacked. Carry set (the sum
; untouched) where the result would not be normal or +0.
add_product:
    lda sum_e
    bne @nonzero
    lda sf6502_mul_exp  ; +0 + p = p
    sta sum_e
    lda sf6502_mul_sign
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
    eor sf6502_mul_sign
    sta signs
    lda sum_e
    cmp sf6502_mul_exp
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
    lda sum_m           ; X = the sum, Y = the product (in place)
    sta x_m
    lda sum_m+1
    sta x_m+1
    lda sum_m+2
    sta x_m+2
    lda sum_s
    sta x_s
    lda sum_e
    sta x_e
    sec
    sbc sf6502_mul_exp
    jmp align
@product_larger:        ; X = the product, Y = the sum
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
    lda sf6502_mul_sign
    sta x_s
    lda sf6502_mul_exp
    sta x_e
    sec
    sbc sum_e

; Y (P5..P3, guard byte P2) shifted right by A bits, the lost bits jammed into bit 0: whole
; bytes first, then up to 4 bits right, or 5-7 as a byte right and 3-1 bits back left
align:
    ldx #0
    stx P2
    stx STICKY
    tax
    bne :+
    jmp aligned
:   cmp #32
    bcc @bytes
    lda #0              ; far below: only stickiness
    sta P5
    sta P4
    sta P3
    lda #1
    sta P2
    jmp aligned
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
    beq aligned
    lda P2
    ora #1
    sta P2
    jmp aligned
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
aligned:
    bit signs
    bmi subtract

    clc                 ; X's guard byte is zero: P2 stays
    lda P3
    adc x_m
    sta P3
    lda P4
    adc x_m+1
    sta P4
    lda P5
    adc x_m+2
    sta P5
    bcc round
    ror P5              ; the carry back in at bit 31
    ror P4
    ror P3
    ror P2
    bcc :+
    lda P2
    ora #1
    sta P2
:   inc x_e
    jmp round

subtract:
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
    ora P4
    ora P3
    ora P2
    bne normalize
    sta sum_e           ; exactly zero: +0
    clc
    rts
normalize:
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
    bcc out_of_range
    beq out_of_range
    jmp normalize
@bits:
    lda P5
    bmi round
@shift:
    dec x_e
    beq out_of_range
    asl P2
    rol P3
    rol P4
    rol P5
    bpl @shift

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
    cmp #$FF
    beq out_of_range
    sta sum_e
    lda x_s
    sta sum_s
    lda P5
    sta sum_m+2
    lda P4
    sta sum_m+1
    lda P3
    sta sum_m
    clc
    rts
out_of_range:
    sec
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

; One step in C: sf6502_aa = sf32_add(sum, sf32_mul(MA, MB)), then the sum unpacked again
; where it is normal or +0. C code may use every zero page register: the vector pointers
; are kept aside.
slow_step:
    lda WPTR
    sta w_save
    lda WPTR+1
    sta w_save+1
    lda XPTR
    sta x_save
    lda XPTR+1
    sta x_save+1
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
    lda sf6502_ma+3     ; sf32_mul(MA, MB)
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
