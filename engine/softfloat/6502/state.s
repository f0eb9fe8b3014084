; The operands of the 6502 soft-float fast paths (regs.inc says who reads and writes what).
.include "regs.inc"

.segment "BSS"
sf6502_ma: .res 4   ; mul: first factor
sf6502_mb: .res 4   ; mul: second factor
sf6502_aa: .res 4   ; add: first addend, then the sum
sf6502_ab: .res 4   ; add: second addend; mul: the product
