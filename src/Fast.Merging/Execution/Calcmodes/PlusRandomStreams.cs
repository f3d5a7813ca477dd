using System.Text;
using Fast.Kernels;
using Fast.Merging.Planning;
using Fast.Merging.Randomness;

namespace Fast.Merging.Execution.Calcmodes;

/// <summary>
/// Where each key of a <c>plus random</c> merge, and each of its element ranges, starts in torch's generator stream.
/// The reference seeds nothing and draws <c>randn_like(A[key])</c> key after key in its state dict's order
/// (safetensors' <c>load_file</c>: names sorted by their UTF-8 bytes); we seed it with <c>torch.manual_seed(seed)</c>
/// and walk the merged keys in that order once, storing a copy of the generator at the start of every
/// <see cref="Stride"/> draws of a key, so the engine's ranges of one key, and the keys, can be drawn side by side in
/// any order, each from a stored state (<see cref="TorchRandn.FillRange"/>).
/// </summary>
/// <remarks>
/// The walk (about 1.6 million MT19937 twists on SD1.5) runs on its own thread from <see cref="Compute"/> on, and a
/// range waits only until its key is reached: the merge starts at once instead of after a serial phase. It allocates a
/// 2.5 KiB state per <see cref="Stride"/> draws (~20 MiB for SD1.5, ~65 MiB for SDXL).
/// </remarks>
internal sealed class PlusRandomStreams
{
    /// <summary>Draws between two stored states of a key: the engine's range, so a range starts on a stored state.</summary>
    public const int Stride = WorkScratch.ChunkElements;

    private const int Block = 16;

    private readonly Dictionary<string, TaskCompletionSource<TorchCpuGenerator[]>> _starts;

    private PlusRandomStreams(Dictionary<string, TaskCompletionSource<TorchCpuGenerator[]>> starts) => _starts = starts;

    /// <summary>Starts the walk over the plan's merged keys in the reference's order from <c>manual_seed(<paramref name="seed"/>)</c>.</summary>
    public static PlusRandomStreams Compute(MergePlan plan, MergeSources sources, uint seed)
    {
        var keys = plan.Tensors
            .Where(t => t.Action == TensorAction.Merge)
            .OrderBy(t => Encoding.UTF8.GetBytes(t.Name), Utf8Order.Instance)
            .Select(t => (t.Name, Type: ElementTypes.Of(sources.A[t.Name].DType), Count: sources.A[t.Name].ElementCount))
            .ToList();
        var starts = keys.ToDictionary(
            k => k.Name,
            _ => new TaskCompletionSource<TorchCpuGenerator[]>(TaskCreationOptions.RunContinuationsAsynchronously),
            StringComparer.Ordinal);
        var walker = new Thread(() => Walk(keys, seed, starts)) { IsBackground = true, Name = "plus random generator walk" };
        walker.Start();
        return new PlusRandomStreams(starts);
    }

    /// <summary>A fresh copy of the generator as it stands when <paramref name="name"/>'s whole draw starts.</summary>
    public TorchCpuGenerator For(string name) => For(name, 0);

    /// <summary>
    /// Elements <paramref name="start"/>..+<c>values.Length</c> of key <paramref name="name"/>'s <c>randn_like</c>
    /// (<paramref name="count"/> elements of <paramref name="type"/>): the bits of the whole draw, from the stored state
    /// nearest below the range. A key of fewer than 16 elements is drawn whole (it may take a cached sample).
    /// </summary>
    public void Draw(string name, ElementType type, long count, long start, Span<float> values)
    {
        if (count < Block)
        {
            if (start != 0 || values.Length != count)
            {
                throw new ArgumentOutOfRangeException(nameof(start), start, $"a {count}-element draw is drawn whole");
            }

            TorchRandn.Fill(For(name), type, values);
            return;
        }

        TorchRandn.FillRange(For(name, start), type, count, start, values);
    }

    /// <summary>
    /// A copy of the generator <paramref name="start"/> draws into <paramref name="name"/>'s (its 32-bit draws; 0 for a
    /// small key): where <see cref="TorchRandn.FillRange"/> of a range starting there begins, and the range after it
    /// continues.
    /// </summary>
    public TorchCpuGenerator For(string name, long start)
    {
        TorchCpuGenerator[] states = _starts[name].Task.GetAwaiter().GetResult(); // waits until the walk has passed the key
        TorchCpuGenerator generator = states[start / Stride].Clone();
        generator.Engine.Skip(start % Stride);
        return generator;
    }

    private static void Walk(List<(string Name, ElementType Type, long Count)> keys, uint seed, Dictionary<string, TaskCompletionSource<TorchCpuGenerator[]>> starts)
    {
        try
        {
            var generator = new TorchCpuGenerator(seed);
            foreach ((string name, ElementType type, long count) in keys)
            {
                var states = new TorchCpuGenerator[Math.Max(1, (count + Stride - 1) / Stride)];
                states[0] = generator.Clone();
                for (int i = 1; i < states.Length; i++)
                {
                    generator.Engine.Skip(Stride);
                    states[i] = generator.Clone();
                }

                // What is left of the key's draws: all of a small key's (which may use or leave a cached sample), or the
                // rest of a large one's after its last stored state, plus the last 16 redrawn when 16 does not divide it.
                if (count < Block)
                {
                    TorchRandn.Advance(generator, type, count);
                }
                else
                {
                    generator.Engine.Skip(count - ((states.Length - 1) * (long)Stride) + (count % Block != 0 ? Block : 0));
                }

                starts[name].SetResult(states);
            }
        }
        catch (Exception error)
        {
            // Not expected (the walk is arithmetic on known counts), but a waiting range must fail, not hang.
            foreach (TaskCompletionSource<TorchCpuGenerator[]> start in starts.Values)
            {
                start.TrySetException(error);
            }
        }
    }

    /// <summary>Byte-wise order, as Rust sorts the names safetensors returns.</summary>
    private sealed class Utf8Order : IComparer<byte[]>
    {
        public static readonly Utf8Order Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
