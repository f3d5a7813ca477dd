namespace Fast.Merging.Synthesis;

/// <summary>The tensors of a synthesized checkpoint, in the order the synthesizer lists them, with their seed.</summary>
public sealed class SynthesisPlan
{
    internal SynthesisPlan(SynthesisOptions options, IReadOnlyList<SynthesizedTensor> tensors)
    {
        Options = options;
        Tensors = tensors;
        TotalElements = tensors.Sum(t => t.ElementCount);
        TotalBytes = tensors.Sum(t => t.ByteSize);
    }

    /// <summary>The request this plan answers.</summary>
    public SynthesisOptions Options { get; }

    /// <summary>Every tensor: required components in architecture order, then EMA, schedule buffers and junk as asked.</summary>
    public IReadOnlyList<SynthesizedTensor> Tensors { get; }

    /// <summary>Sum of element counts (the parameter count).</summary>
    public long TotalElements { get; }

    /// <summary>Sum of data bytes (without the header).</summary>
    public long TotalBytes { get; }

    /// <summary>
    /// Fills <paramref name="destination"/> with the little-endian bytes of elements
    /// <c>[elementOffset, elementOffset + destination.Length / ElementSize)</c> of <paramref name="tensor"/>.
    /// Values depend only on the seed, the tensor's name and the element index, so chunks can be produced in any
    /// order, on any thread.
    /// </summary>
    public void Fill(SynthesizedTensor tensor, long elementOffset, Span<byte> destination) =>
        SyntheticValues.Fill(tensor, Options.Seed, elementOffset, destination);
}
