; A light interrupt handler for the C64 while the model runs.
;
; The KERNAL's 60 Hz interrupt ($EA31) updates the jiffy clock and the STOP key flag
; (UDTIM, $FFEA), blinks the cursor, checks the tape motor and scans the whole keyboard
; into the key buffer. During a run the program needs only the first: the status line's
; clock and RUN/STOP (console_poll reads $91). Dropping the rest saves about 2.6 million
; cycles a token in VICE (0.6%).
; light_irq_install points the IRQ vector ($0314) at a handler that does UDTIM alone;
; light_irq_remove puts the KERNAL's back, before the program reads keys again or exits.
; Interrupts taken while the fast paths have the ROM out reach the same vector through
; the trampoline in engine/softfloat/6502/c64.s.

        .export _light_irq_install, _light_irq_remove

IRQ_VECTOR = $0314
UDTIM      = $FFEA      ; jiffy clock and STOP key
CIA1_ICR   = $DC0D      ; reading it acknowledges the timer interrupt
IRQ_RETURN = $EA81      ; the KERNAL's exit: pull Y, X, A; RTI

        .bss
saved:  .res 2          ; the vector before install; high byte 0 = not installed

        .code
light_irq:
        jsr UDTIM
        lda CIA1_ICR
        jmp IRQ_RETURN

_light_irq_install:
        lda saved+1
        bne done        ; already installed
        sei
        lda IRQ_VECTOR
        sta saved
        lda IRQ_VECTOR+1
        sta saved+1
        lda #<light_irq
        sta IRQ_VECTOR
        lda #>light_irq
        sta IRQ_VECTOR+1
        cli
done:   rts

_light_irq_remove:
        lda saved+1
        beq done        ; not installed
        sei
        lda saved
        sta IRQ_VECTOR
        lda saved+1
        sta IRQ_VECTOR+1
        lda #0
        sta saved+1
        cli
        rts
