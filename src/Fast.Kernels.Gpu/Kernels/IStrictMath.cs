namespace Fast.Kernels.Gpu.Kernels;

/// <summary>
/// Floating-point operations whose rounding is pinned down on every backend. Kernels are generic over
/// this so the CUDA instantiation can use explicitly rounded PTX (<c>.rn</c> forms, which ptxas may not
/// contract into fma) while the CPU-accelerator instantiation uses plain .NET arithmetic.
/// </summary>
internal interface IStrictMath
{
    /// <summary>Correctly rounded fused multiply-add <c>a·b + c</c>.</summary>
    float Fma(float a, float b, float c);

    float Add(float a, float b);

    float Sub(float a, float b);

    float Mul(float a, float b);

    /// <summary>Correctly rounded division (SlothfulAttention's average, SPEC R5).</summary>
    float Div(float a, float b);

    double Add(double a, double b);

    double Sub(double a, double b);

    double Mul(double a, double b);

    /// <summary>Correctly rounded division (model stock's mean).</summary>
    double Div(double a, double b);
}
