; The C64's side of the fast paths: their code runs in the RAM under the KERNAL ROM
; (regs.inc), so the C functions here bank the ROM out around each call ($01 = $35: RAM at
; $A000-$BFFF and $E000-$FFFF, I/O at $D000) and back in after; the C soft-float, which
; they fall back to, runs with the program's own banking.
;
; An interrupt while the ROM is out takes its vector from the RAM under it. Those vectors
; point at the trampolines here (in main memory), which bank the ROM in, run the KERNAL's
; own handler as if it had been entered directly (its RTI returns into the trampoline),
; then restore the banking and return. So the jiffy clock and the keyboard keep working.
;
; At start-up (a constructor, before BSS is cleared) the code blocks are copied from the
; ONCE segment to their places, and the RAM vectors written (writes to ROM addresses go to
; the RAM under them).
.ifdef __C64__
.include "regs.inc"
.export _sf32_mul_6502, _sf32_add_6502, _sf32_sub_6502, _dot
.import _sf32_mul, _sf32_add, _sf32_sub
.constructor sf6502_install

CPU_PORT  = $01
NO_KERNAL = $35

.segment "DATA"         ; not BSS, which is cleared after the constructors ran
banking:    .byte $36   ; the program's $01 while the ROM is out (set by every call)

.segment "CODE"

; CALL_BANKED entry: the entry with the ROM banked out; carry and A/X/sreg as it leaves them
.macro CALL_BANKED entry
    ldy CPU_PORT
    sty banking
    ldy #NO_KERNAL
    sty CPU_PORT
    jsr entry
    ldy banking
    sty CPU_PORT
.endmacro

_sf32_mul_6502:
    CALL_BANKED sf6502_mul_entry
    bcs :+
    rts
:   jmp _sf32_mul

_sf32_add_6502:
    CALL_BANKED sf6502_add_entry
    bcs :+
    rts
:   jmp _sf32_add

_sf32_sub_6502:
    CALL_BANKED sf6502_sub_entry
    bcs :+
    rts
:   jmp _sf32_sub

_dot:
    CALL_BANKED sf6502_dot_entry
    rts

; TRAMPOLINE rom_entry: bank the ROM in, push a return frame into the trampoline (status
; with B clear: not a BRK to the KERNAL) and enter the ROM's handler, whose address the
; constructor writes into the JMP at rom_entry (no indirect JMP: its page-crossing bug)
.macro TRAMPOLINE rom_entry
    .local back
    pha
    lda CPU_PORT
    pha
    lda banking
    sta CPU_PORT
    lda #>back
    pha
    lda #<back
    pha
    lda #$04
    pha
rom_entry:
    jmp $FFFF
back:
    pla
    sta CPU_PORT
    pla
    rti
.endmacro

irq_trampoline:
    TRAMPOLINE kernal_irq
nmi_trampoline:
    TRAMPOLINE kernal_nmi
kernal_irq_operand = kernal_irq + 1
kernal_nmi_operand = kernal_nmi + 1

.segment "ONCE"

; COPY_BLOCK image, run, end: the block assembled for run..end, stored at image
.macro COPY_BLOCK image, run, end
    lda #<image
    sta ptr1
    lda #>image
    sta ptr1+1
    lda #<run
    sta ptr2
    lda #>run
    sta ptr2+1
    ldx #>(end - run + 255)
    jsr copy_pages
.endmacro

sf6502_install:
    COPY_BLOCK sf6502_mul_image, SF6502_MUL_RUN, sf6502_mul_end
    COPY_BLOCK sf6502_add_image, SF6502_ADD_RUN, sf6502_add_end
    COPY_BLOCK sf6502_dot_image, SF6502_DOT_RUN, sf6502_dot_end
    lda $FFFE           ; the ROM's vectors (the ROM is in now)
    sta kernal_irq_operand
    lda $FFFF
    sta kernal_irq_operand+1
    lda $FFFA
    sta kernal_nmi_operand
    lda $FFFB
    sta kernal_nmi_operand+1
    lda #<irq_trampoline
    sta $FFFE
    lda #>irq_trampoline
    sta $FFFF
    lda #<nmi_trampoline
    sta $FFFA
    lda #>nmi_trampoline
    sta $FFFB
    rts

; X whole pages from (ptr1) to (ptr2); a block's last page may copy bytes past its end,
; which land in the unused rest of its place
copy_pages:
    ldy #0
:   lda (ptr1),y
    sta (ptr2),y
    iny
    bne :-
    inc ptr1+1
    inc ptr2+1
    dex
    bne :-
    rts
.endif
