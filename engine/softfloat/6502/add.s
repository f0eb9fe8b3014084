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
    lda sf6502_aa+2
    asl
    lda sf6502_aa+3
    rol
    sta ea
    lda sf6502_ab+2
    asl
    lda sf6502_ab+3
    rol
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
:   cmp #32
    bcc @bytes
    lda #0              ; far below: only stickiness
    sta P3
    sta P2
    sta P1
    lda #1
    sta P0
    jmp aligned
@bytes:
    cmp #8
    bcc @bits
    tax
    lda P0
    ora STICKY
    sta STICKY
    lda P1
    sta P0
    lda P2
    sta P1
    lda P3
    sta P2
    lda #0
    sta P3
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
    lsr P3
    ror P2
    ror P1
    ror P0
    rol STICKY
    dex
    bne @shift
@jam:
    lda STICKY
    beq aligned
    lda P0
    ora #1
    sta P0
    jmp aligned
@left:                  ; 5..7 bits: one byte more, then 8 - bits back left (fewer shifts);
    lda P0              ; P4 takes the byte below the guard byte meanwhile
    sta P4
    lda P1
    sta P0
    lda P2
    sta P1
    lda P3
    sta P2
    lda #0
    sta P3
    txa
    eor #7
    tax
    inx
:   asl P4
    rol P0
    rol P1
    rol P2
    rol P3
    dex
    bne :-
    lda P4
    ora STICKY
    sta STICKY
    jmp @jam
aligned:
    bit signs
    bmi subtract

    clc                 ; X's byte 0 is zero: P0 stays
    lda P1
    adc x1
    sta P1
    lda P2
    adc x2
    sta P2
    lda P3
    adc x3
    sta P3
    bcc round
    ror P3              ; the carry back in at bit 31
    ror P2
    ror P1
    ror P0
    bcc :+
    lda P0
    ora #1
    sta P0
:   inc exp_x
    jmp round

subtract:
    sec
    lda #0
    sbc P0
    sta P0
    lda x1
    sbc P1
    sta P1
    lda x2
    sbc P2
    sta P2
    lda x3
    sbc P3
    sta P3
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
    lda P3
    bne @bits
    lda P2              ; a whole byte (only if no bit was lost aligning: difference <= 1)
    sta P3
    lda P1
    sta P2
    lda P0
    sta P1
    lda #0
    sta P0
    lda exp_x
    sec
    sbc #8
    sta exp_x
    bcc special2
    beq special2
    jmp normalize
@bits:
    lda P3
    bmi round
@shift:
    dec exp_x
    beq special2
    asl P0
    rol P1
    rol P2
    rol P3
    bpl @shift

round:
    lda P0
    cmp #$80
    bcc pack
    bne @up
    lda P1
    lsr
    bcc pack
@up:
    inc P1
    bne pack
    inc P2
    bne pack
    inc P3
    bne pack
    lda #$80
    sta P3
    inc exp_x
pack:
    lda exp_x
    cmp #$FF
    beq special2
    lsr
    ora sign_x
    sta sf6502_aa+3
    lda P3
    and #$7F
    bcc :+
    ora #$80
:   sta sf6502_aa+2
    lda P2
    sta sf6502_aa+1
    lda P1
    sta sf6502_aa
    clc
    rts
special2:
    sec
    rts

; The bodies of sf32 __fastcall__ sf32_add_6502(sf32 a, sf32 b) and sf32_sub_6502 (a + -b):
; a on the C stack, b in A/X/sreg. Where the fast path declines, the C sf32_add or
; sf32_sub with the arguments as they came.
sf6502_add_entry:
    sta sf6502_ab
    stx sf6502_ab+1
    lda sreg
    sta sf6502_ab+2
    lda sreg+1
    sta sf6502_ab+3
    ldy #3
:   lda (sp),y
    sta sf6502_aa,y
    dey
    bpl :-
    jsr sf6502_add_core
    bcs add_slow
return_aa:
    jsr incsp4
    lda sf6502_aa+3
    sta sreg+1
    lda sf6502_aa+2
    sta sreg
    ldx sf6502_aa+1
    lda sf6502_aa
    clc
    rts
add_slow:
    lda sf6502_ab+3
    sta sreg+1
    lda sf6502_ab+2
    sta sreg
    ldx sf6502_ab+1
    lda sf6502_ab
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
    ldy #3
:   lda (sp),y
    sta sf6502_aa,y
    dey
    bpl :-
    jsr sf6502_add_core
    bcc return_aa
    lda b_in+3
    sta sreg+1
    lda b_in+2
    sta sreg
    ldx b_in+1
    lda b_in
    FALLBACK _sf32_sub

FAST_CODE_END sf6502_add_end, SF6502_DOT_RUN
