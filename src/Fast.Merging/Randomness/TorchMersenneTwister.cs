using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Fast.Merging.Randomness;

/// <summary>
/// torch's CPU generator core (<c>at::mt19937</c>, torch 1.13): <c>torch.manual_seed(seed)</c> seeds MT19937 with
/// <c>init_genrand(seed &amp; 0xffffffff)</c>; <c>random()</c> is the next tempered 32-bit output and <c>random64()</c> two
/// of them, the first as the high word. A copy taken with <see cref="Clone"/> continues the same stream, so a planner
/// can hand each tensor the generator state it starts from and tensors can then draw side by side.
/// </summary>
public sealed class TorchMersenneTwister
{
    private const int StateLength = 624;
    private const int Shift = 397;
    private readonly uint[] _state;
    private int _position;

    /// <summary>The generator after <c>torch.manual_seed(<paramref name="seed"/>)</c>.</summary>
    public TorchMersenneTwister(uint seed)
    {
        _state = new uint[StateLength];
        _state[0] = seed;
        for (int i = 1; i < StateLength; i++)
        {
            uint previous = _state[i - 1];
            _state[i] = unchecked((1812433253u * (previous ^ (previous >> 30))) + (uint)i);
        }

        _position = StateLength;
    }

    private TorchMersenneTwister(uint[] state, int position)
    {
        _state = state;
        _position = position;
    }

    /// <summary>An independent copy at the same point of the stream.</summary>
    public TorchMersenneTwister Clone() => new((uint[])_state.Clone(), _position);

    /// <summary><c>random()</c>: the next tempered 32-bit output.</summary>
    public uint NextUInt32()
    {
        if (_position >= StateLength)
        {
            Twist();
        }

        return Temper(_state[_position++]);
    }

    /// <summary>The next <c>destination.Length</c> outputs of <see cref="NextUInt32"/>, in order, a state run at a time.</summary>
    public void Fill(Span<uint> destination)
    {
        int i = 0;
        while (i < destination.Length)
        {
            if (_position >= StateLength)
            {
                Twist();
            }

            int run = Math.Min(StateLength - _position, destination.Length - i);
            TemperRun(_state.AsSpan(_position, run), destination.Slice(i, run));
            _position += run;
            i += run;
        }
    }

    /// <summary><c>random64()</c>: two outputs, the first as the high word.</summary>
    public ulong NextUInt64()
    {
        ulong high = NextUInt32();
        return (high << 32) | NextUInt32();
    }

    /// <summary>Advances past <paramref name="count"/> outputs without tempering them (what drawing them would leave).</summary>
    public void Skip(long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        long position = _position + count;
        while (position > StateLength)
        {
            Twist();
            position -= StateLength;
        }

        _position = (int)position;
    }

    private static uint Temper(uint y)
    {
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    /// <summary>Tempers a run of state words into outputs, a vector of words at a time (optimised from its first call, as <see cref="MixRange"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TemperRun(ReadOnlySpan<uint> state, Span<uint> output)
    {
        int k = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; k + Vector512<uint>.Count <= state.Length; k += Vector512<uint>.Count)
            {
                Vector512<uint> y = Vector512.Create(state[k..]);
                y ^= y >> 11;
                y ^= (y << 7) & Vector512.Create(0x9d2c5680u);
                y ^= (y << 15) & Vector512.Create(0xefc60000u);
                y ^= y >> 18;
                y.CopyTo(output[k..]);
            }
        }

        if (Vector.IsHardwareAccelerated)
        {
            for (; k + Vector<uint>.Count <= state.Length; k += Vector<uint>.Count)
            {
                var y = new Vector<uint>(state[k..]);
                y ^= y >> 11;
                y ^= (y << 7) & new Vector<uint>(0x9d2c5680u);
                y ^= (y << 15) & new Vector<uint>(0xefc60000u);
                y ^= y >> 18;
                y.CopyTo(output[k..]);
            }
        }

        for (; k < state.Length; k++)
        {
            output[k] = Temper(state[k]);
        }
    }

    /// <summary>
    /// The MT19937 state update in place, split where i + 397 and i + 1 wrap around (no modulo per word). Word i reads
    /// words i + 1 and i + 397 before they are updated, or word i − 227 after: 227 apart, so a vector of consecutive
    /// words never reads one it writes and the vector loops give the scalar loop's words.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Twist()
    {
        uint[] s = _state;
        if (Avx512F.IsSupported && Vector512.IsHardwareAccelerated)
        {
            Twist512(s);
            _position = 0;
            return;
        }

        int i = MixRange(s, 0, StateLength - Shift, Shift);
        for (; i < StateLength - Shift; i++)
        {
            s[i] = s[i + Shift] ^ Mix(s[i], s[i + 1]);
        }

        i = MixRange(s, i, StateLength - 1, Shift - StateLength);
        for (; i < StateLength - 1; i++)
        {
            s[i] = s[i + Shift - StateLength] ^ Mix(s[i], s[i + 1]);
        }

        s[StateLength - 1] = s[Shift - 1] ^ Mix(s[StateLength - 1], s[0]);
        _position = 0;
    }

    /// <summary>
    /// The whole update in 39 vectors of 16 words, none left to a scalar loop (those 16 words cost as much as a third of
    /// the vectors). The two vectors that straddle a wrap take their lanes from both sides with <c>valignd</c>: words
    /// 224-239 read old words 621-623 and new words 0-12 as their far words, words 608-623 read new word 0 as the next
    /// word of 623. Words 608-623 are loaded before any update (nothing writes them until the last vector), words 0-15
    /// after the first vector; every other load reads what <see cref="MixRange"/>'s loops read.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Twist512(uint[] s)
    {
        const int Tail = StateLength - 16;
        const int Straddle = (StateLength - Shift) / 16 * 16; // words 224-239
        const byte OldFarLanes = StateLength - Shift - Straddle; // 3: words 224-226 still read words 621-623
        ref uint words = ref MemoryMarshal.GetArrayDataReference(s);
        Vector512<uint> tail = Vector512.LoadUnsafe(ref words, Tail);
        for (int i = 0; i < Straddle; i += 16)
        {
            Mix512(ref words, i, Vector512.LoadUnsafe(ref words, (nuint)(i + Shift)));
        }

        Vector512<uint> head = Vector512.LoadUnsafe(ref words);
        Mix512(ref words, Straddle, Avx512F.AlignRight32(head, tail, 16 - OldFarLanes));
        for (int i = Straddle + 16; i < Tail; i += 16)
        {
            Mix512(ref words, i, Vector512.LoadUnsafe(ref words, (nuint)(i + Shift - StateLength)));
        }

        Vector512<uint> next = Avx512F.AlignRight32(head, tail, 1);
        Vector512<uint> far = Vector512.LoadUnsafe(ref words, Tail + Shift - StateLength);
        Mix512(tail, next, far).StoreUnsafe(ref words, Tail);
    }

    /// <summary>Words i..i+15 from their old values, the 16 words after them (not yet updated) and their far words.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Mix512(ref uint words, int i, Vector512<uint> far) =>
        Mix512(Vector512.LoadUnsafe(ref words, (nuint)i), Vector512.LoadUnsafe(ref words, (nuint)(i + 1)), far).StoreUnsafe(ref words, (nuint)i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Mix512(Vector512<uint> current, Vector512<uint> next, Vector512<uint> far)
    {
        Vector512<uint> y = (current & Vector512.Create(0x80000000u)) | (next & Vector512.Create(0x7fffffffu));
        Vector512<uint> odd = Vector512<uint>.Zero - (y & Vector512<uint>.One);
        return far ^ (y >> 1) ^ (odd & Vector512.Create(0x9908b0dfu));
    }

    /// <summary>
    /// Words <paramref name="start"/> up to <paramref name="end"/> in whole vectors, 512-bit ones where the CPU has them
    /// (the twist is most of a draw's cost: the walk over a model's keys does nothing else); returns where the vectors
    /// stopped. Optimised from its first call and read through references: the walk thread starts twisting before
    /// tiering has compiled it, and the quick-jitted loop with its span slices cost more than the twist itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int MixRange(uint[] s, int start, int end, int offset)
    {
        ref uint words = ref MemoryMarshal.GetArrayDataReference(s);
        int i = start;
        if (Vector512.IsHardwareAccelerated)
        {
            var upper512 = Vector512.Create(0x80000000u);
            var lower512 = Vector512.Create(0x7fffffffu);
            var matrix512 = Vector512.Create(0x9908b0dfu);
            for (; i + Vector512<uint>.Count <= end; i += Vector512<uint>.Count)
            {
                Vector512<uint> current = Vector512.LoadUnsafe(ref words, (nuint)i);
                Vector512<uint> next = Vector512.LoadUnsafe(ref words, (nuint)(i + 1));
                Vector512<uint> far = Vector512.LoadUnsafe(ref words, (nuint)(i + offset));
                Vector512<uint> y = (current & upper512) | (next & lower512);
                Vector512<uint> odd = Vector512<uint>.Zero - (y & Vector512<uint>.One);
                (far ^ (y >> 1) ^ (odd & matrix512)).StoreUnsafe(ref words, (nuint)i);
            }
        }

        if (!Vector.IsHardwareAccelerated)
        {
            return i;
        }

        var upper = new Vector<uint>(0x80000000u);
        var lower = new Vector<uint>(0x7fffffffu);
        var matrix = new Vector<uint>(0x9908b0dfu);
        for (; i + Vector<uint>.Count <= end; i += Vector<uint>.Count)
        {
            Vector<uint> current = Vector.LoadUnsafe(ref words, (nuint)i);
            Vector<uint> next = Vector.LoadUnsafe(ref words, (nuint)(i + 1));
            Vector<uint> far = Vector.LoadUnsafe(ref words, (nuint)(i + offset));
            Vector<uint> y = (current & upper) | (next & lower);
            Vector<uint> odd = Vector<uint>.Zero - (y & Vector<uint>.One);
            (far ^ (y >> 1) ^ (odd & matrix)).StoreUnsafe(ref words, (nuint)i);
        }

        return i;
    }

    private static uint Mix(uint current, uint next)
    {
        uint y = (current & 0x80000000u) | (next & 0x7fffffffu);
        return (y >> 1) ^ ((y & 1u) != 0 ? 0x9908b0dfu : 0u);
    }
}
