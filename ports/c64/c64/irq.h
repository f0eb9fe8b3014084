/* The light interrupt handler during a run (irq.s): the jiffy clock and the STOP key only. */
#ifndef C64_IRQ_H
#define C64_IRQ_H

#ifdef __CC65__
void light_irq_install(void);
void light_irq_remove(void);
#else /* the native tests of this front end run without interrupts */
#define light_irq_install() ((void)0)
#define light_irq_remove() ((void)0)
#endif

#endif
