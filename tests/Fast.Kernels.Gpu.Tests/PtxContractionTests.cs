using System.Reflection;
using System.Text.RegularExpressions;
using Fast.Kernels.Gpu.Kernels;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Xunit;

namespace Fast.Kernels.Gpu.Tests;

/// <summary>
/// Compiles every kernel's CUDA instantiation to PTX without a GPU and checks the text: bare
/// <c>add/sub/mul.f32|f64</c> may be contracted into fma by the driver's PTX JIT, so only the explicitly
/// rounded <c>.rn</c> forms may appear, and nothing may call an unresolved extern (Math.FusedMultiplyAdd).
/// </summary>
public sealed partial class PtxContractionTests
{
    public static TheoryData<string> KernelNames =>
        new(KernelMethods().Select(method => $"{method.DeclaringType!.Name}.{method.Name}"));

    [Theory]
    [MemberData(nameof(KernelNames))]
    public void Cuda_kernel_has_only_explicitly_rounded_float_arithmetic(string kernelName)
    {
        var method = KernelMethods().Single(m => $"{m.DeclaringType!.Name}.{m.Name}" == kernelName);
        string ptx = CompileToPtx(method);

        Assert.DoesNotContain(".extern", ptx, StringComparison.Ordinal);
        Assert.DoesNotContain("call", ptx, StringComparison.Ordinal);
        var contractible = ContractibleArithmetic().Match(ptx);
        Assert.False(contractible.Success, $"{kernelName} emits contractible '{contractible.Value}'");
        Assert.DoesNotContain(".ftz", ptx, StringComparison.Ordinal);
        Assert.DoesNotContain(".approx", ptx, StringComparison.Ordinal);
    }

    [Fact]
    public void Lerp_and_gaussian_use_the_intended_instructions()
    {
        string lerp = CompileToPtx(KernelMethods().Single(m => m.Name == nameof(ElementwiseKernels.Lerp)));
        Assert.Contains("fma.rn.f32", lerp, StringComparison.Ordinal);
        string gaussian = CompileToPtx(KernelMethods().Single(m => m.Name == nameof(FilterKernels.GaussianPass)));
        Assert.Contains("mul.rn.f64", gaussian, StringComparison.Ordinal);
        Assert.Contains("add.rn.f64", gaussian, StringComparison.Ordinal);
        string addDifference = CompileToPtx(KernelMethods().Single(m => m.Name == nameof(ElementwiseKernels.AddDifference)));
        Assert.Contains("mul.rn.f32", addDifference, StringComparison.Ordinal);
        Assert.DoesNotContain("fma", addDifference, StringComparison.Ordinal);
    }

    [Fact]
    public void Reduction_kernels_use_correctly_rounded_division_and_square_roots()
    {
        // torch's cosine divides and takes square roots correctly rounded; an approximate form would change bits.
        string rowCosine = CompileToPtx(KernelMethods().Single(m => m.Name == nameof(ExtractKernels.RowCosine)));
        Assert.Contains("sqrt.rn.f32", rowCosine, StringComparison.Ordinal);
        Assert.Contains("div.rn.f32", rowCosine, StringComparison.Ordinal);
        Assert.Contains("add.rn.f32", rowCosine, StringComparison.Ordinal);
        string normalize = CompileToPtx(KernelMethods().Single(m => m.Name == nameof(CosineKernels.NormalizeColumns)));
        Assert.Contains("sqrt.rn.f64", normalize, StringComparison.Ordinal);
        Assert.Contains("div.rn.f32", normalize, StringComparison.Ordinal);
        string columnSums = CompileToPtx(KernelMethods().Single(m => m.Name == nameof(CosineKernels.ColumnSums)));
        Assert.Contains("mul.rn.f64", columnSums, StringComparison.Ordinal);
        Assert.Contains("add.rn.f64", columnSums, StringComparison.Ordinal);
        string columnLerp = CompileToPtx(KernelMethods().Single(m => m.Name == nameof(CosineKernels.ColumnLerp)));
        Assert.Contains("fma.rn.f32", columnLerp, StringComparison.Ordinal);
    }

    [Fact]
    public void Method_kernels_divide_correctly_rounded()
    {
        // DARE's rescale, the disjoint mean and model stock's mean are IEEE quotients on the CPU.
        string drop = CompileToPtx(KernelMethods().Single(m => m.Name == nameof(MultiModelKernels.DropAndRescale)));
        Assert.Contains("div.rn.f32", drop, StringComparison.Ordinal);
        string stock = CompileToPtx(KernelMethods().Single(m => m.Name == nameof(MultiModelKernels.ModelStockCombine)));
        Assert.Contains("div.rn.f64", stock, StringComparison.Ordinal);
        Assert.Contains("mul.rn.f64", stock, StringComparison.Ordinal);
        string combine = CompileToPtx(KernelMethods().Single(m => m.Name == nameof(MultiModelKernels.Combine)));
        Assert.Contains("add.rn.f64", combine, StringComparison.Ordinal);
    }

    [Fact]
    public void The_check_catches_the_hazard_in_a_plain_instantiation()
    {
        // The CPU-accelerator arithmetic compiled for CUDA is exactly what the guard exists for: bare
        // mul/add that the JIT may fuse, and an unresolvable call to Math.FusedMultiplyAdd.
        var plain = typeof(ElementwiseKernels).GetMethod(nameof(ElementwiseKernels.AddDifference))!.MakeGenericMethod(typeof(CpuStrictMath));
        Assert.Matches(ContractibleArithmetic(), CompileToPtx(plain));
        var plainLerp = typeof(ElementwiseKernels).GetMethod(nameof(ElementwiseKernels.Lerp))!.MakeGenericMethod(typeof(CpuStrictMath));
        Assert.Contains(".extern", CompileToPtx(plainLerp), StringComparison.Ordinal);
    }

    private static string CompileToPtx(MethodInfo kernel)
    {
        using var context = Context.Create(builder => builder.Math(MathMode.Default).Optimize(OptimizationLevel.O2));
        using var backend = new PTXBackend(context, new CudaCapabilityContext(CudaArchitecture.SM_75), CudaArchitecture.SM_75, CudaInstructionSet.ISA_70, null);
        var compiled = (PTXCompiledKernel)backend.Compile(EntryPointDescription.FromImplicitlyGroupedKernel(kernel), KernelSpecialization.Empty);
        return compiled.PTXAssembly;
    }

    private static IEnumerable<MethodInfo> KernelMethods()
    {
        Type[] kernelTypes = [typeof(ElementwiseKernels), typeof(ConversionKernels), typeof(FilterKernels), typeof(ReductionKernels), typeof(ExtractKernels), typeof(CosineKernels), typeof(MultiModelKernels)];
        return kernelTypes
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(method => method.GetParameters() is [{ ParameterType.Name: "Index1D" }, ..])
            .Select(method => method.IsGenericMethodDefinition ? method.MakeGenericMethod(typeof(CudaStrictMath)) : method);
    }

    [GeneratedRegex(@"\b(add|sub|mul|mad|fma)(\.sat)?\.f(32|64)\b")]
    private static partial Regex ContractibleArithmetic();
}
