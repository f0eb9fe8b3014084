; Conversion to long, truncating toward zero: sf32_to_long_6502(a) gives exactly
; sf32_to_long_trunc(a) (engine/softfloat/sf32_to_long.c) for every operand, so the cc65
; builds link this instead of the C file.
;
; |a| < 1 (zeros and subnormals included) gives 0; magnitudes of 2^31 and above saturate
; to the long range by sign (infinities too); a NaN gives 0. Otherwise the significand,
; its leading one at bit 31, is shifted right by 158 minus the biased exponent (whole
; bytes first, then bits), dropping the bits below the binary point, and negated for a
; negative a. Plain code in main memory on every target.
.include "regs.inc"
.export _sf32_to_long_6502

M0 = tmp1           ; the magnitude, little endian
M1 = tmp2
M2 = tmp3
M3 = tmp4
SHIFT = ptr1
SIGN = ptr1 + 1

.segment "CODE"

; long sf32_to_long_6502(sf32 a): a in A/X/sreg, the result in A/X/sreg
_sf32_to_long_6502:
    sta M1
    stx M2
    lda sreg+1
    sta SIGN
    lda sreg
    ora #$80
    sta M3
    lda sreg
    asl                 ; carry: the exponent's low bit
    lda sreg+1
    rol                 ; the biased exponent
    cmp #127
    bcc zero            ; |a| < 1
    cmp #127 + 31
    bcs large
    eor #$FF            ; shift = 158 - exponent, 1..31
    sec
    adc #158
    ldx #0
    stx M0
    cmp #8
    bcc bits
bytes:
    ldx M1              ; shift right by a byte
    stx M0
    ldx M2
    stx M1
    ldx M3
    stx M2
    ldx #0
    stx M3
    sbc #8              ; carry set (from cmp)
    cmp #8
    bcs bytes
bits:
    tax
    beq shifted
:   lsr M3
    ror M2
    ror M1
    ror M0
    dex
    bne :-
shifted:
    bit SIGN
    bmi negative
    lda M3
    sta sreg+1
    lda M2
    sta sreg
    ldx M1
    lda M0
    rts
negative:               ; 0 - magnitude (below 2^31: no overflow)
    lda #0
    sec
    sbc M0
    pha
    lda #0
    sbc M1
    tax
    lda #0
    sbc M2
    sta sreg
    lda #0
    sbc M3
    sta sreg+1
    pla
    rts

zero:
    lda #0
    tax
    sta sreg
    sta sreg+1
    rts

large:                  ; 2^31 or more, an infinity, or a NaN
    cmp #$FF
    bne saturate
    lda M3              ; exponent all ones: a NaN when the fraction is nonzero
    and #$7F
    ora M2
    ora M1
    bne zero
saturate:
    bit SIGN
    bmi :+
    lda #$7F            ; 2147483647
    sta sreg+1
    lda #$FF
    sta sreg
    tax
    rts
:   lda #$80            ; -2147483648
    sta sreg+1
    lda #0
    sta sreg
    tax
    rts
