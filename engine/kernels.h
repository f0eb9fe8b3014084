/* The reference kernels, shared by the forward pass and the sampler. */
#ifndef ENGINE_KERNELS_H
#define ENGINE_KERNELS_H

#include "mathlib.h"

void rmsnorm(float *o, const float *x, const float *weight, int size);
void softmax(const MathLibrary *math, float *x, int size);
void matmul(float *xout, const float *x, const float *w, int n, int d);

#endif
