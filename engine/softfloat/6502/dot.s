; f32 __fastcall__ dot(const f32 *w, const f32 *x, int n): w . x summed j = 0..n-1 as
; engine/kernels.c does it (val = 0; val = val + w[j] * x[j], the product rounded, then the
; sum), for the 6502 builds. Each step takes the fast paths (mul.s, add.s); where one
; declines, that operation is done by the C soft-float on the same operands.
.include "regs.inc"
.import _sf32_mul, _sf32_add, incsp4, pusheax
.ifndef __C64__
.export _dot := sf6502_dot_entry
.endif

.segment "BSS"
count:  .res 2      ; elements left
w_save: .res 2
x_save: .res 2

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
    sta sf6502_aa
    sta sf6502_aa+1
    sta sf6502_aa+2
    sta sf6502_aa+3
    lda count+1
    bmi done            ; n <= 0: 0
    ora count
    beq done
    ; count as a down-counter of the low byte and pages: done when it reaches 0
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
    jsr sf6502_mul_core
    bcc add
    jmp slow_mul
add:
    jsr sf6502_add_core
    bcc next
    jmp slow_add
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
    lda sf6502_aa+3
    sta sreg+1
    lda sf6502_aa+2
    sta sreg
    ldx sf6502_aa+1
    lda sf6502_aa
    rts

; The C soft-float for this step's multiply (then on to the fast add) or add. C code may
; use every zero page register: the vector pointers are kept aside.
slow_mul:
    jsr save_pointers
    ldy #3
:   lda sf6502_ma,y
    sta sf6502_ab,y     ; the stack push below goes through A/X/sreg
    dey
    bpl :-
    lda sf6502_ab+3
    sta sreg+1
    lda sf6502_ab+2
    sta sreg
    ldx sf6502_ab+1
    lda sf6502_ab
    jsr pusheax
    lda sf6502_mb+3
    sta sreg+1
    lda sf6502_mb+2
    sta sreg
    ldx sf6502_mb+1
    lda sf6502_mb
    jsr _sf32_mul
    sta sf6502_ab
    stx sf6502_ab+1
    lda sreg
    sta sf6502_ab+2
    lda sreg+1
    sta sf6502_ab+3
    jsr restore_pointers
    jmp add

slow_add:
    jsr save_pointers
    lda sf6502_aa+3
    sta sreg+1
    lda sf6502_aa+2
    sta sreg
    ldx sf6502_aa+1
    lda sf6502_aa
    jsr pusheax
    lda sf6502_ab+3
    sta sreg+1
    lda sf6502_ab+2
    sta sreg
    ldx sf6502_ab+1
    lda sf6502_ab
    jsr _sf32_add
    sta sf6502_aa
    stx sf6502_aa+1
    lda sreg
    sta sf6502_aa+2
    lda sreg+1
    sta sf6502_aa+3
    jsr restore_pointers
    jmp next

save_pointers:
    lda WPTR
    sta w_save
    lda WPTR+1
    sta w_save+1
    lda XPTR
    sta x_save
    lda XPTR+1
    sta x_save+1
    rts

restore_pointers:
    lda w_save
    sta WPTR
    lda w_save+1
    sta WPTR+1
    lda x_save
    sta XPTR
    lda x_save+1
    sta XPTR+1
    rts

FAST_CODE_END sf6502_dot_end, SF6502_RUN_END
