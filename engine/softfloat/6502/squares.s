; Quarter squares for 8x8-bit multiplication: a * b = f(a + b) - f(b - a) with
; f(n) = floor(n^2 / 4) (a + b and b - a have the same parity, so the floors cancel).
; square[i] = f(i) for i = 0..511; nsquare[i] = f(i - 255), so that indexing nsquare at
; (255 - a) + b gives f(b - a). The four tables follow one another, 512 bytes each, from a
; page boundary, so that a pointer to entry m of a table has m as its low byte.
; Made at start-up (a constructor) rather than stored: f(i + 1) = f(i) + floor((i + 1) / 2),
; and nsquare[i] is square[255 - i], then square[i - 255]. On the C64 the tables are read
; back from under the KERNAL ROM, so it is banked out meanwhile (interrupts held off).
.include "regs.inc"
.constructor sf6502_squares_init

.ifdef __C64__
sf6502_square_lo  = SF6502_TABLES
.else
.segment "BSS"
area: .res 2048 + 255
sf6502_square_lo = (area + 255) & $FF00
.endif
sf6502_square_hi  = sf6502_square_lo + 512
sf6502_nsquare_lo = sf6502_square_lo + 1024
sf6502_nsquare_hi = sf6502_square_lo + 1536

value = tmp1    ; f(i), 16 bits
step  = tmp3    ; floor((i + 1) / 2), 16 bits

; 256 squares from f(i) on, at lo + y, hi + y
.macro SQUARES lo, hi
    .local next, even
    ldy #0
next:
    lda value
    sta lo,y
    lda value+1
    sta hi,y
    tya
    lsr
    bcc even
    inc step            ; i odd: floor((i + 1) / 2) grows
    bne even
    inc step+1
even:
    clc
    lda value
    adc step
    sta value
    lda value+1
    adc step+1
    sta value+1
    iny
    bne next
.endmacro

.segment "ONCE"
sf6502_squares_init:
.ifdef __C64__
    php
    sei
    lda $01
    pha
    lda #$35            ; RAM at $E000-$FFFF, I/O at $D000
    sta $01
.endif
    lda #0
    sta value
    sta value+1
    sta step
    sta step+1
    SQUARES sf6502_square_lo, sf6502_square_hi
    SQUARES sf6502_square_lo+256, sf6502_square_hi+256
    ldy #0
@low:                   ; nsquare[i] = square[255 - i]
    tya
    eor #$FF
    tax
    lda sf6502_square_lo,x
    sta sf6502_nsquare_lo,y
    lda sf6502_square_hi,x
    sta sf6502_nsquare_hi,y
    iny
    bne @low
@high:                  ; nsquare[256 + i] = square[i + 1]
    lda sf6502_square_lo+1,y
    sta sf6502_nsquare_lo+256,y
    lda sf6502_square_hi+1,y
    sta sf6502_nsquare_hi+256,y
    iny
    bne @high
.ifdef __C64__
    pla
    sta $01
    plp
.endif
    rts
