using System.Runtime.Intrinsics;

namespace Fast.Kernels.Simd;

// Operators are readonly structs so the JIT specialises the driver per operator and inlines Invoke. They use
// instance members rather than static abstract ones because merge ops carry their α/β; the JIT hoists the
// broadcast of those fields out of the loop. Every width must compute exactly what the scalar Invoke computes.

/// <summary>An elementwise function of two binary32 values.</summary>
internal interface IBinaryOperator
{
    float Invoke(float x, float y);

    Vector128<float> Invoke(Vector128<float> x, Vector128<float> y);

    Vector256<float> Invoke(Vector256<float> x, Vector256<float> y);

    Vector512<float> Invoke(Vector512<float> x, Vector512<float> y);
}

/// <summary>An elementwise function of three binary32 values.</summary>
internal interface ITernaryOperator
{
    float Invoke(float x, float y, float z);

    Vector128<float> Invoke(Vector128<float> x, Vector128<float> y, Vector128<float> z);

    Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> z);

    Vector512<float> Invoke(Vector512<float> x, Vector512<float> y, Vector512<float> z);
}
