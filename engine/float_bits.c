#include "engine/float_bits.h"

#define LOW32 0xFFFFFFFFUL

int float_bits_is_nan(unsigned long bits) { return (bits & 0x7FFFFFFFUL) > 0x7F800000UL; }

unsigned long float_bits_order_key(unsigned long bits) {
    bits &= LOW32;
    if (bits == 0x80000000UL) bits = 0;
    if (bits & 0x80000000UL) return (~bits) & LOW32;
    return bits | 0x80000000UL;
}

int float_bits_greater(unsigned long a, unsigned long b) {
    if (float_bits_is_nan(a) || float_bits_is_nan(b)) return 0;
    return float_bits_order_key(a) > float_bits_order_key(b);
}
