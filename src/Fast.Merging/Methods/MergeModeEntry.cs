using Fast.Kernels;

namespace Fast.Merging.Methods;

/// <summary>A calcmode-normal formula on stored elements: A, B, C in their types (C empty when the mode has no C), α, β, output.</summary>
internal delegate void StoredOperator(
    ReadOnlySpan<byte> a, ElementType typeA,
    ReadOnlySpan<byte> b, ElementType typeB,
    ReadOnlySpan<byte> c, ElementType typeC,
    double alpha, double beta,
    Span<byte> destination, ElementType typeOut);

/// <summary>The same formula on f32 values, in place into <c>a</c> (position ids, SPEC §7 policy merge).</summary>
internal delegate void F32Operator(float[] a, float[] b, float[]? c, double alpha, double beta);

/// <summary>The same formula as kernels of a device whose A, B (and C) are already uploaded (<see cref="IElementwiseDevice"/>).</summary>
/// <param name="device">The device, bound to one call's operands.</param>
/// <param name="typeB">B's stored element type (add difference rounds B − C through it).</param>
/// <param name="alpha">α as parsed.</param>
/// <param name="beta">β as parsed.</param>
public delegate void DeviceOperator(IElementwiseDevice device, ElementType typeB, double alpha, double beta);

/// <summary>
/// One merge mode as the catalog declares it: its names, what it reads, its formula on the CPU (stored elements and
/// f32), on a device (<see cref="Gpu"/>) and how exact it is. Everything that needs to know a mode asks its entry;
/// nothing switches on the mode.
/// </summary>
public sealed class MergeModeEntry
{
    internal MergeModeEntry(
        MergeMode mode, string shortName, string referenceName, string[] spellings, bool usesC, bool usesBeta,
        string formula, string exactness, StoredOperator cpu, F32Operator f32, DeviceOperator gpu, bool scaledSumFactors = false)
    {
        Mode = mode;
        ShortName = shortName;
        ReferenceName = referenceName;
        Spellings = spellings;
        UsesC = usesC;
        UsesBeta = usesBeta;
        Formula = formula;
        Exactness = exactness;
        Cpu = cpu;
        F32 = f32;
        Gpu = gpu;
        ScaledSumFactors = scaledSumFactors;
    }

    /// <summary>The recipe value.</summary>
    public MergeMode Mode { get; }

    /// <summary>The CLI and recipe-JSON name (<c>ws</c>).</summary>
    public string ShortName { get; }

    /// <summary>The name supermerger writes into <c>sd_merge_recipe</c> (<c>Weight sum</c>).</summary>
    public string ReferenceName { get; }

    /// <summary>Every accepted spelling, normalised (lower case, no spaces, '-' or '_').</summary>
    public IReadOnlyList<string> Spellings { get; }

    /// <summary>True when the mode reads model C (arity 3).</summary>
    public bool UsesC { get; }

    /// <summary>True when the mode reads β.</summary>
    public bool UsesBeta { get; }

    /// <summary>
    /// True when α and β are A's and B's factors, from the scaled-sum factor lists (<c>--weights-a</c>/<c>--weights-b</c>)
    /// rather than the α/β block weights; such a mode has no calcmodes (scaled sum).
    /// </summary>
    public bool ScaledSumFactors { get; }

    /// <summary>The formula as SPEC §3 writes it.</summary>
    public string Formula { get; }

    /// <summary>The exactness contract (SPEC §4): bit-identical to the reference, or its tolerance.</summary>
    public string Exactness { get; }

    internal StoredOperator Cpu { get; }

    internal F32Operator F32 { get; }

    /// <summary>What the device path runs for this mode: the same formula as device kernels, bit-identical to <see cref="Cpu"/>.</summary>
    public DeviceOperator Gpu { get; }

    /// <inheritdoc />
    public override string ToString() => ShortName;
}
