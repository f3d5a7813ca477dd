using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Fast.Merging.Synthesis;

/// <summary>
/// Counter-based values: element i of a tensor is a pure function of (seed, name, i), so any chunk can be made
/// independently and a 6 GiB file can be streamed in parallel without holding it.
/// </summary>
internal static class SyntheticValues
{
    private const float NoiseStdDev = 0.02f;

    // The sum of two uniforms on [0, 1) has variance 2/12; this brings the centred sum to NoiseStdDev.
    private const float TriangularScale = NoiseStdDev * 2.4494897f / 65536f;

    public static void Fill(SynthesizedTensor tensor, ulong seed, long elementOffset, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var size = tensor.ElementSize;
        if (destination.Length % size != 0)
        {
            throw new ArgumentException($"Destination length {destination.Length} is not a multiple of the element size {size}.", nameof(destination));
        }

        var count = destination.Length / size;
        if (elementOffset < 0 || elementOffset + count > tensor.ElementCount)
        {
            throw new ArgumentOutOfRangeException(nameof(elementOffset), elementOffset, $"Elements past the end of {tensor.Name} requested.");
        }

        switch (tensor.Content)
        {
            case SyntheticContent.PositionIds:
                var width = tensor.Shape.Count == 0 ? 1 : tensor.Shape[^1];
                for (var i = 0; i < count; i++)
                {
                    BinaryPrimitives.WriteInt64LittleEndian(destination[(i * 8)..], (elementOffset + i) % width);
                }

                return;
            case SyntheticContent.EmaNumUpdates:
                destination.Clear();
                return;
            default:
                FillFloats(tensor, seed ^ NameHash(tensor.Name), elementOffset, count, destination);
                return;
        }
    }

    private static void FillFloats(SynthesizedTensor tensor, ulong stream, long elementOffset, int count, Span<byte> destination)
    {
        // Values are made a block at a time into a small float buffer, then narrowed in one tight loop per dtype,
        // so neither the content nor the dtype is decided per element.
        const int BlockSize = 512;
        Span<float> block = stackalloc float[BlockSize];
        var size = tensor.ElementSize;
        for (var done = 0; done < count; done += BlockSize)
        {
            var n = Math.Min(BlockSize, count - done);
            var values = block[..n];
            Generate(tensor, stream, elementOffset + done, values);
            Narrow(tensor.DType, values, destination.Slice(done * size, n * size));
        }
    }

    private static void Narrow(string dtype, ReadOnlySpan<float> values, Span<byte> target)
    {
        if (!BitConverter.IsLittleEndian)
        {
            NarrowPortable(dtype, values, target);
            return;
        }

        switch (dtype)
        {
            case SyntheticDTypes.F16:
                var halves = MemoryMarshal.Cast<byte, Half>(target);
                for (var i = 0; i < values.Length; i++)
                {
                    halves[i] = (Half)values[i];
                }

                break;
            case SyntheticDTypes.BF16:
                var bfloats = MemoryMarshal.Cast<byte, ushort>(target);
                for (var i = 0; i < values.Length; i++)
                {
                    bfloats[i] = BFloat16Rounding.FromSingle(values[i]);
                }

                break;
            default:
                values.CopyTo(MemoryMarshal.Cast<byte, float>(target));
                break;
        }
    }

    private static void NarrowPortable(string dtype, ReadOnlySpan<float> values, Span<byte> target)
    {
        for (var i = 0; i < values.Length; i++)
        {
            switch (dtype)
            {
                case SyntheticDTypes.F16:
                    BinaryPrimitives.WriteHalfLittleEndian(target[(i * 2)..], (Half)values[i]);
                    break;
                case SyntheticDTypes.BF16:
                    BinaryPrimitives.WriteUInt16LittleEndian(target[(i * 2)..], BFloat16Rounding.FromSingle(values[i]));
                    break;
                default:
                    BinaryPrimitives.WriteSingleLittleEndian(target[(i * 4)..], values[i]);
                    break;
            }
        }
    }

    private static void Generate(SynthesizedTensor tensor, ulong stream, long firstIndex, Span<float> values)
    {
        switch (tensor.Content)
        {
            case SyntheticContent.Noise:
            case SyntheticContent.NormScale:
                var offset = tensor.Content == SyntheticContent.NormScale ? 1f : 0f;
                var i = 0;
                if ((firstIndex & 1) != 0 && values.Length > 0)
                {
                    values[i++] = offset + Noise(stream, firstIndex);
                }

                // One hash feeds an even/odd pair of elements, which halves the hashing cost.
                for (; i + 1 < values.Length; i += 2)
                {
                    var bits = PairBits(stream, firstIndex + i);
                    values[i] = offset + Triangular((uint)bits);
                    values[i + 1] = offset + Triangular((uint)(bits >> 32));
                }

                if (i < values.Length)
                {
                    values[i] = offset + Noise(stream, firstIndex + i);
                }

                break;
            case SyntheticContent.LogitScale:
                values.Fill(4.6051702f);
                break;
            case SyntheticContent.EmaDecay:
                values.Fill(0.9999f);
                break;
            case SyntheticContent.ScheduleBuffer:
                for (var k = 0; k < values.Length; k++)
                {
                    values[k] = (float)DiffusionSchedule.Value(tensor.Name, firstIndex + k);
                }

                break;
            default:
                throw new InvalidOperationException($"No float values for {tensor.Content}.");
        }
    }

    private static float Noise(ulong stream, long index)
    {
        var bits = PairBits(stream, index);
        return Triangular((index & 1) == 0 ? (uint)bits : (uint)(bits >> 32));
    }

    /// <summary>The 64 random bits shared by elements 2k and 2k+1: the low half is the even one's, the high half the odd one's.</summary>
    private static ulong PairBits(ulong stream, long index) => SplitMix64(stream + ((ulong)(index >> 1) * 0x9E3779B97F4A7C15UL));

    /// <summary>Sum of two 16-bit uniforms, centred and scaled: a triangular distribution with standard deviation NoiseStdDev.</summary>
    private static float Triangular(uint bits) => ((int)(bits & 0xFFFF) + (int)(bits >> 16) - 65536) * TriangularScale;

    internal static ulong SplitMix64(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>64-bit FNV-1a of the UTF-8 name: stable across runs and platforms, unlike string.GetHashCode.</summary>
    internal static ulong NameHash(string name)
    {
        var hash = 0xCBF29CE484222325UL;
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            hash = (hash ^ b) * 0x100000001B3UL;
        }

        return hash;
    }
}
