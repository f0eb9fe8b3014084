/* Reset code for the Cortex-M33 build (qemu-system-arm -M mps2-an505).
 *
 * The core starts in the Secure state and fetches its vector table from 0x10000000 (the
 * Secure alias of the code SRAM). The reset handler, before any float instruction:
 *   1. grants full access to the FPU (CPACR CP10/CP11),
 *   2. copies .data from its load address (after the code) to RAM,
 *   3. calls newlib's _start (rdimon-crt0), which zeroes .bss, asks the host for argv over
 *      semihosting, runs constructors, calls main and exits through semihosting.
 * Every fault ends the program through semihosting with a message and exit status 134, so
 * that nothing ever hangs QEMU. */
    .syntax unified
    .cpu cortex-m33
    .thumb

    .section .vectors, "a"
    .align 7
    .global pico_vectors
pico_vectors:
    .word __stack_top
    .word pico_reset
    .word pico_fault        /* NMI */
    .word pico_fault        /* HardFault */
    .word pico_fault        /* MemManage */
    .word pico_fault        /* BusFault */
    .word pico_fault        /* UsageFault */
    .word pico_fault        /* SecureFault */
    .word 0, 0, 0
    .word pico_fault        /* SVCall */
    .word pico_fault        /* DebugMonitor */
    .word 0
    .word pico_fault        /* PendSV */
    .word pico_fault        /* SysTick */
    .rept 48
    .word pico_fault        /* external interrupts: none is enabled */
    .endr

    .text
    .thumb_func
    .global pico_reset
    .type pico_reset, %function
pico_reset:
    /* CPACR (0xE000ED88): CP10 and CP11 full access */
    ldr r0, =0xE000ED88
    ldr r1, [r0]
    orr r1, r1, #(0xF << 20)
    str r1, [r0]
    dsb
    isb

    /* .data: copy from its load address in the code memory to its place in RAM */
    ldr r0, =__data_load
    ldr r1, =__data_start
    ldr r2, =__data_end
1:  cmp r1, r2
    bhs 2f
    ldr r3, [r0], #4
    str r3, [r1], #4
    b 1b
2:
    bl _start
    /* _start does not return; if it did, report status 1 */
    movs r0, #1
    bl pico_semihost_exit
    .size pico_reset, . - pico_reset

    .thumb_func
    .global pico_fault
    .type pico_fault, %function
pico_fault:
    /* r0: the stacked exception frame (r0-r3, r12, lr, pc, xPSR) on MSP or PSP */
    tst lr, #4
    ite eq
    mrseq r0, msp
    mrsne r0, psp
    ldr r1, =pico_fault_report
    bx r1
    .size pico_fault, . - pico_fault
