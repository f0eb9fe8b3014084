; Addition of binary32 numbers (AA + AB -> AA), round to nearest even, for normal
; operands (or one of them a zero) and a normal result; the rest returns carry set.
;
; The algorithm of engine/softfloat/sf32_add.c: the operand of larger magnitude is X, the
; other Y; both significands as 32 bits (hidden bit at bit 31, a zero guard byte). Y is
; shifted right by the exponent difference, whole bytes first, the bits shifted out kept
; in STICKY and ORed into bit 0 (at 32 or more only its stickiness is left: 1). Equal
; signs add (a carry out is shifted back in, its lost bit jammed into bit 0); opposite
; signs subtract and shift left until bit 31 is set. An exact zero is +0. The low byte
; rounds (above $80 up, $80 to even); the result has X's sign.
.include "regs.inc"
.include "macros.inc"
.import _sf32_add, _sf32_sub, incsp4
.ifndef __C64__
.export _sf32_add_6502 := sf6502_add_entry
.export _sf32_sub_6502 := sf6502_sub_entry
.endif

.segment "BSS"
exp_x:  .res 1
exp_y:  .res 1
sign_x: .res 1
x1:     .res 1      ; X's significand bytes 1..3 (byte 0 is zero)
x2:     .res 1
x3:     .res 1
signs:  .res 1      ; bit 7: the signs differ
b_in:   .res 4      ; _sf32_sub_6502: b as it came
ea:     .res 1
eb:     .res 1

; Y's significand, then the result: P0 (round byte) .. P3

; X := the operand at 'from' (exponent in A), Y := the one at 'other' (exponent in 'oexp')
.macro ORDER from, other, fexp, oexp
    lda fexp
    sta exp_x
    lda oexp
    sta exp_y
    lda from+3
    and #$80
    sta sign_x
    lda from
    sta x1
    lda from+1
    sta x2
    lda from+2
    ora #$80
    sta x3
    lda #0
    sta P0
    lda other
    sta P1
    lda other+1
    sta P2
    lda other+2
    ora #$80
    sta P3
.endmacro

FAST_CODE sf6502_add_image, SF6502_ADD_RUN
a_zero_or_subnormal:
    ; a zero plus a normal b is b, exactly
    lda sf6502_aa+2
    and #$7F
    ora sf6502_aa+1
    ora sf6502_aa
    bne special
    ldy #3
:   lda sf6502_ab,y
    sta sf6502_aa,y
    dey
    bpl :-
    clc
    rts
b_zero_or_subnormal:
    ; a normal a plus a zero is a
    lda sf6502_ab+2
    and #$7F
    ora sf6502_ab+1
    ora sf6502_ab
    bne special
    lda ea
    beq special
    cmp #$FF
    beq special
    clc
    rts
special:
    sec
    rts

sf6502_add_core:
    EXPONENT sf6502_aa
    sta ea
    EXPONENT sf6502_ab
    sta eb
    beq b_zero_or_subnormal
    cmp #$FF
    beq special
    lda ea
    beq a_zero_or_subnormal
    cmp #$FF
    beq special
    lda sf6502_aa+3
    eor sf6502_ab+3
    sta signs

    ; which magnitude is larger: exponents, then the significand bytes
    lda ea
    cmp eb
    bne :+
    lda sf6502_aa+2
    cmp sf6502_ab+2
    bne :+
    lda sf6502_aa+1
    cmp sf6502_ab+1
    bne :+
    lda sf6502_aa
    cmp sf6502_ab
:   bcc b_larger
    ORDER sf6502_aa, sf6502_ab, ea, eb
    jmp align
b_larger:
    ORDER sf6502_ab, sf6502_aa, eb, ea
    jmp align

align:
    lda #0
    sta STICKY
    lda exp_x
    sec
    sbc exp_y
    bne :+
    jmp aligned
:   SHIFT_RIGHT_JAM P0, P1, P2, P3, P4, aligned
aligned:
    bit signs
    bmi subtract

    ADD_TO P1, P2, P3, x1, x2, x3
    bcc round
    CARRY_BACK_IN P0, P1, P2, P3, exp_x
    jmp round

subtract:
    SUBTRACT_FROM P0, P1, P2, P3, x1, x2, x3
    ora P2
    ora P1
    ora P0
    bne normalize
    ldy #3              ; exactly zero: +0
:   sta sf6502_aa,y
    dey
    bpl :-
    clc
    rts
normalize:
    NORMALIZE P0, P1, P2, P3, exp_x, round, special2

round:
    ROUND_EVEN P0, P1, P2, P3, exp_x
    lda exp_x
    cmp #$FF
    beq special2
    PACK sf6502_aa, sign_x, P1, P2, P3
    clc
    rts
special2:
    sec
    rts

; The bodies of sf32 __fastcall__ sf32_add_6502(sf32 a, sf32 b) and sf32_sub_6502 (a + -b):
; a on the C stack, b in A/X/sreg. Where the fast path declines, the C sf32_add or
; sf32_sub with the arguments as they came.
sf6502_add_entry:
    TAKE_OPERANDS sf6502_aa, sf6502_ab
    jsr sf6502_add_core
    bcs add_slow
return_aa:
    jsr incsp4
    LOAD_EAX sf6502_aa
    clc
    rts
add_slow:
    LOAD_EAX sf6502_ab
    FALLBACK _sf32_add

sf6502_sub_entry:
    sta b_in
    sta sf6502_ab
    stx b_in+1
    stx sf6502_ab+1
    lda sreg
    sta b_in+2
    sta sf6502_ab+2
    lda sreg+1
    sta b_in+3
    eor #$80
    sta sf6502_ab+3
    COPY_FROM_STACK sf6502_aa
    jsr sf6502_add_core
    bcc return_aa
    LOAD_EAX b_in
    FALLBACK _sf32_sub

FAST_CODE_END sf6502_add_end, SF6502_DOT_RUN
