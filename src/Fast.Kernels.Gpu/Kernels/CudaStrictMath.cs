using ILGPU.Runtime.Cuda;

namespace Fast.Kernels.Gpu.Kernels;

/// <summary>
/// PTX with explicit round-to-nearest-even modifiers. ILGPU 1.5.3 emits bare <c>mul.f32</c>/<c>add.f32</c>,
/// which the PTX ISA allows the JIT to fuse into fma; the <c>.rn</c> forms forbid that, and ILGPU has no
/// float fma intrinsic at all (Math.FusedMultiplyAdd becomes an unresolved extern call).
/// </summary>
internal readonly struct CudaStrictMath : IStrictMath
{
    public float Fma(float a, float b, float c)
    {
        CudaAsm.Emit("fma.rn.f32 %0, %1, %2, %3;", out float result, a, b, c);
        return result;
    }

    public float Add(float a, float b)
    {
        CudaAsm.Emit("add.rn.f32 %0, %1, %2;", out float result, a, b);
        return result;
    }

    public float Sub(float a, float b)
    {
        CudaAsm.Emit("sub.rn.f32 %0, %1, %2;", out float result, a, b);
        return result;
    }

    public float Mul(float a, float b)
    {
        CudaAsm.Emit("mul.rn.f32 %0, %1, %2;", out float result, a, b);
        return result;
    }

    public float Div(float a, float b)
    {
        // div.rn is the IEEE quotient; ILGPU's plain '/' may lower to an approximate division under fast-math.
        CudaAsm.Emit("div.rn.f32 %0, %1, %2;", out float result, a, b);
        return result;
    }

    public double Add(double a, double b)
    {
        CudaAsm.Emit("add.rn.f64 %0, %1, %2;", out double result, a, b);
        return result;
    }

    public double Sub(double a, double b)
    {
        CudaAsm.Emit("sub.rn.f64 %0, %1, %2;", out double result, a, b);
        return result;
    }

    public double Mul(double a, double b)
    {
        CudaAsm.Emit("mul.rn.f64 %0, %1, %2;", out double result, a, b);
        return result;
    }

    public double Div(double a, double b)
    {
        CudaAsm.Emit("div.rn.f64 %0, %1, %2;", out double result, a, b);
        return result;
    }
}
