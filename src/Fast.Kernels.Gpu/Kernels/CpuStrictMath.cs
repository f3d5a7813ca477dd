namespace Fast.Kernels.Gpu.Kernels;

/// <summary>
/// The CPU accelerator runs kernel IL directly on .NET threads; RyuJIT never contracts a separate
/// multiply and add, and <see cref="MathF.FusedMultiplyAdd"/> is correctly rounded.
/// </summary>
internal readonly struct CpuStrictMath : IStrictMath
{
    public float Fma(float a, float b, float c) => MathF.FusedMultiplyAdd(a, b, c);

    public float Add(float a, float b) => a + b;

    public float Sub(float a, float b) => a - b;

    public float Mul(float a, float b) => a * b;

    public float Div(float a, float b) => a / b;

    public double Add(double a, double b) => a + b;

    public double Sub(double a, double b) => a - b;

    public double Mul(double a, double b) => a * b;

    public double Div(double a, double b) => a / b;
}
