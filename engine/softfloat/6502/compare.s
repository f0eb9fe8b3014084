; Comparisons of binary32 numbers: sf32_lt_6502, sf32_le_6502, sf32_eq_6502 give exactly
; sf32_lt, sf32_le, sf32_eq (engine/softfloat/sf32_compare.c) for every pair of operands,
; so the cc65 builds link these instead of the C file (a tenth of its size, and about
; 100 cycles instead of 2 000).
;
; The rules: a NaN (exponent all ones, fraction nonzero) makes every comparison false;
; +0 and -0 are equal; otherwise operands of the same sign order as their bit patterns
; (as unsigned integers when positive, reversed when negative), and a negative one is
; below a positive one. Plain code in main memory on every target (no ROM banking).
.include "regs.inc"
.import incsp4
.export _sf32_lt_6502, _sf32_le_6502, _sf32_eq_6502

; a (from the C stack) and b (from A/X/sreg), little endian
A0 = ptr1
A1 = ptr1 + 1
A2 = ptr2
A3 = ptr2 + 1
B0 = tmp1
B1 = tmp2
B2 = tmp3
B3 = tmp4

.segment "CODE"

; Takes b from A/X/sreg and a from the C stack (popping it). Carry set: a or b is a NaN.
load:
    sta B0
    stx B1
    lda sreg
    sta B2
    lda sreg+1
    sta B3
    ldy #0
    lda (sp),y
    sta A0
    iny
    lda (sp),y
    sta A1
    iny
    lda (sp),y
    sta A2
    iny
    lda (sp),y
    sta A3
    jsr incsp4
    ; NaN: the magnitude above $7F800000
    lda A3
    and #$7F
    cmp #$7F
    bne a_number
    lda A2
    cmp #$80
    bcc a_number
    bne nan
    lda A1
    ora A0
    bne nan
a_number:
    lda B3
    and #$7F
    cmp #$7F
    bne numbers
    lda B2
    cmp #$80
    bcc numbers
    bne nan
    lda B1
    ora B0
    bne nan
numbers:
    clc
    rts
nan:
    sec
    rts

; Z set: both operands are zeros (of either sign)
both_zero:
    lda A3
    ora B3
    and #$7F
    ora A2
    ora B2
    ora A1
    ora B1
    ora A0
    ora B0
    rts

; The bit patterns as unsigned integers: Z set when equal, else carry clear when a < b
unsigned_compare:
    lda A3
    cmp B3
    bne :+
    lda A2
    cmp B2
    bne :+
    lda A1
    cmp B1
    bne :+
    lda A0
    cmp B0
:   rts

; Operands of the same sign, bit patterns not equal, carry as unsigned_compare left it:
; returns a < b (as an int in A/X)
same_sign_less:
    lda #0
    rol                 ; 1: a above b as unsigned
    bit A3
    bmi :+              ; negative: the order reverses
    eor #1
:   ldx #0
    rts

false:
    lda #0
    tax
    rts
true:
    lda #1
    ldx #0
    rts

; int sf32_lt_6502(sf32 a, sf32 b)
_sf32_lt_6502:
    jsr load
    bcs false
    lda A3
    eor B3
    bpl lt_same_sign
    jsr both_zero       ; the signs differ: true when a is the negative one and not both are zeros
    beq false
    lda A3
    bmi true
    bpl false
lt_same_sign:
    jsr unsigned_compare
    beq false
    jmp same_sign_less

; int sf32_le_6502(sf32 a, sf32 b)
_sf32_le_6502:
    jsr load
    bcs false
    lda A3
    eor B3
    bpl le_same_sign
    lda A3              ; the signs differ: true when a is the negative one or both are zeros
    bmi true
    jsr both_zero
    beq true
    bne false
le_same_sign:
    jsr unsigned_compare
    beq true
    jmp same_sign_less

; int sf32_eq_6502(sf32 a, sf32 b)
_sf32_eq_6502:
    jsr load
    bcs false
    jsr unsigned_compare
    beq true
    jsr both_zero
    beq true
    bne false
