/* Addition: the shared core (sf32_add_signed.c) with b as given. */
#include "internals.h"

sf32 sf32_add(sf32 a, sf32 b)
{
    return sf_add_signed(a, b, 0);
}
