; Division of two normal binary32 numbers with a normal result, round to nearest even:
; sf32_div_6502(a, b) gives exactly sf32_div(a, b), and calls it for everything else
; (zeros, subnormals, infinities, NaNs, results that underflow or overflow).
;
; The significands (hidden bit set) are divided one quotient bit a step by restoring
; division, as in engine/softfloat/sf32_div.c. With the dividend doubled when it is below
; the divisor, the quotient lies in [1, 2): its leading bit is 1 and leaves a remainder
; R = dividend - divisor < divisor. Each further step doubles R (25 bits: the bit shifted
; out of the top byte counts) and subtracts the divisor when R is at least the divisor,
; which gives the next bit. 23 steps complete the 24 kept bits, a 24th gives the round
; bit. A quotient is never exactly half way between two binary32 numbers (that would
; make (2N + 1) * mb = ma * 2^k for a 25-bit odd 2N + 1, whose odd part exceeds any 24-bit
; ma's), so the bits below the round bit are never needed: round bit set rounds up, clear
; rounds down. Nor does rounding carry out of the significand: the quotient M / mb of
; integers M < 2 mb, mb < 2^24 is at most 2 - 1/mb < 2 - 2^-24, below the midpoint
; between the largest significand and 2. Biased exponent: ea - eb + 127, one less when
; the dividend was doubled; it must lie in 1..254 (the C code does the rest).
;
; Plain code in main memory on every target (no ROM banking): the C sf32_compare it
; replaced in the cc65 builds left the room.
.include "regs.inc"
.include "macros.inc"
.import _sf32_div, incsp4
.export _sf32_div_6502

R0 = ptr1           ; remainder (24 bits; the 25th is the carry of a doubling)
R1 = ptr1 + 1
R2 = ptr2
D0 = ptr2 + 1       ; divisor
D1 = ptr3
D2 = ptr3 + 1
Q0 = ptr4           ; quotient
Q1 = ptr4 + 1
Q2 = tmp1
EXP_LO = tmp2       ; biased exponent of the result, 16 bits while it may be out of range
EXP_HI = tmp3
SIGN = tmp4

.segment "BSS"
b_in:   .res 4      ; b as it came, for the fallback

.segment "CODE"

; NEXT_BIT: the next quotient bit in the carry: R := 2 R, less the divisor when that is
; at least it
.macro NEXT_BIT
    .local sub, done
    asl R0
    rol R1
    rol R2
    bcs sub             ; 2 R >= 2^24 > D
    lda R0
    cmp D0
    lda R1
    sbc D1
    lda R2
    sbc D2
    bcc done            ; below the divisor: bit 0
sub:
    SUBTRACT_24 R0, R1, R2, D0, D1, D2 ; carry set on both ways here
    sec
done:
.endmacro


; the C code, with the arguments as they came
slow:
    LOAD_EAX b_in
    jmp _sf32_div

; sf32 sf32_div_6502(sf32 a, sf32 b): a on the C stack, b in A/X/sreg
_sf32_div_6502:
    sta b_in
    sta D0
    stx b_in+1
    stx D1
    lda sreg
    sta b_in+2
    asl                 ; carry: b's exponent's low bit
    lda sreg+1
    sta b_in+3
    rol                 ; b's biased exponent
    beq slow
    cmp #$FF
    beq slow
    sta EXP_HI          ; eb for now
    lda sreg
    ora #$80
    sta D2

    ldy #3
    lda (sp),y
    eor sreg+1
    and #$80
    sta SIGN
    dey
    lda (sp),y
    ora #$80
    sta R2
    lda (sp),y
    asl                 ; carry: a's exponent's low bit
    iny
    lda (sp),y
    rol                 ; a's biased exponent
    beq slow
    cmp #$FF
    beq slow
    ; exponent: ea + 127 - eb (ea in A), 16 bits
    clc
    adc #127
    sta EXP_LO
    lda #0
    adc #0
    tax
    lda EXP_LO
    sec
    sbc EXP_HI
    sta EXP_LO
    txa
    sbc #0
    sta EXP_HI
    ldy #0
    lda (sp),y
    sta R0
    iny
    lda (sp),y
    sta R1

    ; dividend below the divisor: double it, one less in the exponent
    lda R2
    cmp D2
    bne :+
    lda R1
    cmp D1
    bne :+
    lda R0
    cmp D0
:   bcs in_range
    lda EXP_LO
    bne :+
    dec EXP_HI
:   dec EXP_LO
    asl R0
    rol R1
    rol R2              ; bit 24 in the carry: the leading quotient bit's subtraction
    bcs first_sub       ; takes it away (2 * dividend - divisor < divisor < 2^24)
in_range:
    sec
first_sub:
    SUBTRACT_24 R0, R1, R2, D0, D1, D2 ; the leading quotient bit: R := R - D

    ; the exponent must already be in 1..254
    lda EXP_HI
    bne out_of_range
    lda EXP_LO
    beq out_of_range
    cmp #$FF
    bne steps
out_of_range:
    jmp slow

steps:
    lda #1
    sta Q0
    lda #0
    sta Q1
    sta Q2
    ldx #23
step:
    NEXT_BIT
    rol Q0
    rol Q1
    rol Q2
    dex
    bne step
    NEXT_BIT            ; the round bit: clear rounds down, set rounds up
    bcc pack
    inc Q0
    bne pack
    inc Q1
    bne pack
    inc Q2              ; never from $FF: see above

pack:
    jsr incsp4
    lda EXP_LO
    PACK_TOP SIGN, Q2, sreg+1, sreg
    ldx Q1
    lda Q0
    rts
