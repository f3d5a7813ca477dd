using System.Globalization;
using Fast.Kernels;
using Fast.Kernels.LowRank;
using Fast.Merging.Planning;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Merging.Lora.Bake;

/// <summary>
/// <c>fastmerge lora bake</c>: adds LoRAs into a checkpoint, <c>W ← W + ratio · (up · down) · alpha/rank</c> per
/// module and LoRA in the order given, in binary32, then rounded once to the output dtype (kohya-ss
/// <c>networks/merge_lora.py</c> <c>merge_to_sd_model</c>; names and block weights as supermerger's <c>pluslora</c>);
/// a DoRA module (<c>dora_scale</c>) as ComfyUI's <c>weight_decompose</c> (<see cref="DoraTerm"/>).
/// One streaming pass: every output tensor is planned first, then written chunk by chunk into a temporary file that
/// is renamed into place when complete. Untouched tensors are copied (or converted) byte for byte.
/// </summary>
public static class LoraBaker
{
    private const int ChunkElements = 1 << 20;

    /// <summary>Elements per chunk of a baked tensor: its binary32 rows (1 MiB) stay in the core's L2 from widening to narrowing.</summary>
    private const int BakeChunkElements = 1 << 18;

    // supermerger pluslora: isxl / isv2 by one key each.
    private const string SdxlKey = "conditioner.embedders.1.model.transformer.resblocks.9.mlp.c_proj.weight";
    private const string Sd2Key = "cond_stage_model.model.transformer.resblocks.0.attn.out_proj.weight";

    /// <summary>Bakes <paramref name="loras"/> into <paramref name="modelPath"/>, writing <paramref name="outputPath"/>.</summary>
    /// <exception cref="LoraException">A LoRA does not fit the model, or the output is an input or exists.</exception>
    /// <exception cref="SafeTensorsFormatException">An input is not a valid safetensors file or checkpoint.</exception>
    public static LoraBakeResult Bake(string modelPath, IReadOnlyList<LoraInput> loras, string outputPath, LoraBakeOptions options, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        ArgumentNullException.ThrowIfNull(loras);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        ArgumentNullException.ThrowIfNull(options);
        if (loras.Count == 0)
        {
            throw new LoraException("lora bake: give at least one LoRA");
        }

        LoraOutputPath.EnsureWritable(outputPath, options.Overwrite, [modelPath, .. loras.Select(l => l.Path)]);
        using SafeTensorsFile model = SafeTensorsFile.Open(modelPath, options.ReadMode);
        var files = new List<SafeTensorsFile>();
        try
        {
            foreach (LoraInput lora in loras)
            {
                files.Add(SafeTensorsFile.Open(lora.Path, options.ReadMode));
            }

            var (baked, applied, unmatched) = Plan(model, loras, files);
            int written = Write(model, baked, outputPath, options, cancellation);
            return new LoraBakeResult(Path.GetFullPath(outputPath), written, baked.Count, applied, unmatched);
        }
        finally
        {
            foreach (SafeTensorsFile f in files)
            {
                f.Dispose();
            }
        }
    }

    private static (Dictionary<string, BakedTensor> Baked, List<int> Applied, List<(string, string)> Unmatched) Plan(
        SafeTensorsFile model, IReadOnlyList<LoraInput> loras, List<SafeTensorsFile> files)
    {
        bool isSdxl = model.TryGetTensor(SdxlKey, out _);
        bool isSd2 = model.TryGetTensor(Sd2Key, out _);
        var index = new ModelKeyIndex(model.Tensors.Select(t => t.Name), k => model.TryGetTensor(k, out TensorInfo? t) ? t.Shape : null);
        var terms = new Dictionary<string, List<BakeTerm>>(StringComparer.Ordinal);
        var applied = new List<int>();
        var unmatched = new List<(string, string)>();
        for (int l = 0; l < loras.Count; l++)
        {
            SafeTensorsFile file = files[l];
            int count = 0;
            IReadOnlyList<BakeModule> modules = BakeModules.Read(file, isSdxl);
            foreach (BakeModule module in modules)
            {
                string name = KohyaNames.ToCheckpointName(module.Name, isSd2, isSdxl);
                if (index.Find(name) is not { } target)
                {
                    unmatched.Add((loras[l].Path, module.Name));
                    continue;
                }

                TensorInfo weight = model[target.Key];
                double ratio = loras[l].Weights.RatioFor(name, isSd2);

                // DoRA (ComfyUI weight_decompose): the update goes in at strength 1, with ΔW as torch.mm rounds it for
                // every shape, and the strength then blends the rescaled weight with the weight before.
                bool dora = module.DoraScale is not null;
                double termRatio = dora ? 1.0 : ratio;
                BakeTerm term = module switch
                {
                    LowRankModule m => Term(file, m.Pair, weight, target, termRatio, dora),
                    HadamardModule m => BakeTerms.Hadamard(file, m, weight, target, termRatio),
                    KroneckerModule m => BakeTerms.Kronecker(file, m, weight, target, termRatio),
                    _ => throw new LoraException($"{file.Path}: module '{module.Name}' is of a kind bake does not apply"),
                };
                if (module.DoraScale is { } magnitude)
                {
                    term = DoraTerm.Create(file, module.Name, magnitude, term, weight, ratio);
                }
                if (!terms.TryGetValue(target.Key, out List<BakeTerm>? list))
                {
                    list = [];
                    terms.Add(target.Key, list);
                }

                list.Add(term);
                count++;
            }

            if (count == 0)
            {
                throw new LoraException($"{file.Path}: none of its {modules.Count} modules matches a weight of {model.Path} (a LoRA for another architecture?)");
            }

            applied.Add(count);
        }

        var baked = terms.ToDictionary(
            kv => kv.Key,
            kv => new BakedTensor(model[kv.Key], kv.Value[0].Columns, kv.Value),
            StringComparer.Ordinal);
        return (baked, applied, unmatched);
    }

    private static LowRankTerm Term(SafeTensorsFile file, KohyaModule module, TensorInfo weight, ModuleTarget target, double ratio, bool matmulOnly)
    {
        IReadOnlyList<long> w = weight.Shape, down = module.Down.Shape, up = module.Up.Shape;
        string where = $"{file.Path}: module '{module.Name}'";
        if (!ElementTypes.TryGet(weight.DType, out _) || w.Count < 2)
        {
            throw new LoraException($"{where} targets '{weight.Name}' ({weight.DType}, {w.Count}-D), which is not a floating matrix or convolution");
        }

        long rows = target.Rows ?? w[0];
        long columns = weight.ElementCount / w[0];
        long rank = down.Count >= 2 ? down[0] : 0;

        // An inpainting UNet's conv_in takes 9 channels (latent, mask, masked image) where a LoRA trained on the
        // plain model has 4: the update covers the first 4 and the rest stay, as A1111 zero-pads it
        // (extensions-builtin/Lora/networks.py: "inpainting model. zero pad updown to make channel[1] 4 to 9").
        bool inpaint = w.Count == 4 && w[1] == 9 && down.Count == 4 && down[1] == 4 && down[2] == w[2] && down[3] == w[3];
        long loraColumns = inpaint ? columns / 9 * 4 : columns;
        bool downFits = down.Count >= 2 && rank > 0 && (down[1] == w[1] || inpaint) && rank * loraColumns == module.Down.ElementCount;
        bool upFits = up.Count >= 2 && up[0] == rows && up[1] == rank && up.Skip(2).All(d => d == 1);
        if (!downFits || !upFits)
        {
            throw new LoraException(
                $"{where}: lora_up {ShapeFormatting.Format(up)} · lora_down {ShapeFormatting.Format(down)} does not fit '{weight.Name}' {ShapeFormatting.Format(w)}{(target.Rows is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" rows {target.RowOffset}..{target.RowOffset + rows}"))}");
        }

        if (!ElementTypes.TryGet(module.Up.DType, out _) || !ElementTypes.TryGet(module.Down.DType, out _))
        {
            throw new LoraException($"{where}: lora_up is {module.Up.DType} and lora_down {module.Down.DType}; both must be floating");
        }

        if (columns > int.MaxValue / 64 || rank > 1 << 16)
        {
            throw new LoraException($"{where}: rank {rank} by {columns} columns is larger than bake supports");
        }

        float scale = LoraFactors.Alpha(file, module) / (float)rank;
        // kohya multiplies 3×3 (any non-1×1) LoCon factors with conv2d(down.permute(1, 0, 2, 3), up), the rest by matmul.
        // torch 1.13 runs that conv2d (a 1×1 filter over a batch of in_channels) on oneDNN, which fuses, when the batch
        // is 16 or more (single-threaded; its use_mkldnn rule), else on its native kernel, which rounds like matmul.
        // ComfyUI (whose formula DoRA modules follow) takes torch.mm of the flattened factors for every shape.
        bool oneDnnConv = !matmulOnly && down.Count == 4 && (down[2] != 1 || down[3] != 1) && down[1] >= 16;
        LowRankSum sum = oneDnnConv ? LowRankSum.Fused : LowRankSum.Rounded;
        return new LowRankTerm(file, module, target.RowOffset, (int)rows, (int)rank, (int)columns, (float)ratio, scale, sum, (int)loraColumns);
    }

    private static int Write(SafeTensorsFile model, Dictionary<string, BakedTensor> baked, string outputPath, LoraBakeOptions options, CancellationToken cancellation)
    {
        var specs = model.Tensors.Select(t => new TensorSpec(t.Name, OutputDTypes.StoredAs(t.DType, options.DType), t.Shape)).ToList();
        var metadata = new List<KeyValuePair<string, string>> { new("format", "pt") };
        metadata.AddRange(model.Metadata.Where(m => m.Key != "format"));
        using SafeTensorsWriter writer = SafeTensorsWriter.Create(outputPath, specs, metadata, options.Overwrite, options.FlushToDisk);
        var work = new List<BakeChunk>();
        var copies = new List<(TensorInfo Source, TensorInfo Target)>();
        foreach (TensorInfo source in model.Tensors)
        {
            TensorInfo target = writer[source.Name];
            if (baked.TryGetValue(source.Name, out BakedTensor? tensor))
            {
                long rows = source.Shape[0];
                // A per-input-channel DoRA norm runs down every row, so such a tensor is one chunk.
                int rowsPerChunk = tensor.NeedsAllRows ? (int)rows : (int)Math.Max(1, BakeChunkElements / tensor.Columns);
                int chunks = 0;
                for (long r = 0; r < rows; r += rowsPerChunk, chunks++)
                {
                    work.Add(new BakeChunk(source, target, r, (int)Math.Min(rowsPerChunk, rows - r), tensor));
                }

                tensor.ExpectChunks(chunks);
            }
            else if (source.DType == target.DType || !ElementTypes.TryGet(source.DType, out _))
            {
                copies.Add((source, target)); // unchanged bytes: copied file to file inside the kernel
            }
            else
            {
                for (long start = 0; start < target.ElementCount; start += ChunkElements)
                {
                    work.Add(new BakeChunk(source, target, start, (int)Math.Min(ChunkElements, target.ElementCount - start), null));
                }
            }
        }

        int threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        // Parallel.ForEach calls a thread's local init again each time it recycles the thread's task (every few
        // hundred milliseconds), so the 20 MB of buffers come from a pool rather than being allocated (and their
        // pages faulted in) each time.
        var pool = new System.Collections.Concurrent.ConcurrentBag<BakeBuffers>();
        CopiesBesideCompute.Run(
            copies,
            c => writer.CopyFrom(c.Target, 0, model, c.Source, 0, c.Source.ByteLength),
            stop => ParallelErrors.Run(() => Parallel.ForEach(
                work,
                new ParallelOptions { CancellationToken = stop, MaxDegreeOfParallelism = threads },
                () => pool.TryTake(out BakeBuffers? reused) ? reused : new BakeBuffers(ChunkElements),
                (chunk, _, buffers) =>
                {
                    Execute(model, chunk, buffers, writer);
                    return buffers;
                },
                pool.Add)),
            cancellation);
        cancellation.ThrowIfCancellationRequested();
        model.EnsureUnchanged();
        writer.Commit();
        return specs.Count;
    }

    private static void Execute(SafeTensorsFile model, BakeChunk chunk, BakeBuffers buffers, SafeTensorsWriter writer)
    {
        TensorInfo source = chunk.Source, target = chunk.Target;
        ElementType from = ElementTypes.Of(source.DType), to = ElementTypes.Of(target.DType);
        int inSize = ElementTypeInfo.SizeOf(from), outSize = ElementTypeInfo.SizeOf(to);
        if (chunk.Baked is null)
        {
            Span<byte> raw = buffers.In.AsSpan(0, chunk.Count * inSize);
            Span<byte> converted = buffers.Out.AsSpan(0, chunk.Count * outSize);
            model.CopyTo(source, chunk.Start * inSize, raw);
            ElementConvert.Convert(raw, from, converted, to);
            writer.Write(target, chunk.Start * outSize, converted);
            return;
        }

        BakedTensor baked = chunk.Baked;
        int columns = baked.Columns;
        long firstRow = chunk.Start;
        int rows = chunk.Count;
        int elements = rows * columns;
        buffers.Reserve(elements, baked.ScratchPerElement);
        Span<byte> input = buffers.In.AsSpan(0, elements * inSize);
        Span<float> values = buffers.Values.AsSpan(0, elements);
        model.CopyTo(source, firstRow * columns * inSize, input);
        ElementConvert.Widen(input, from, values);

        float[][][] factors = baked.Factors();
        for (int t = 0; t < baked.Terms.Count; t++)
        {
            BakeTerm term = baked.Terms[t];
            long begin = Math.Max(firstRow, term.RowOffset), end = Math.Min(firstRow + rows, term.RowOffset + term.Rows);
            if (begin >= end)
            {
                continue;
            }

            term.Apply(
                values.Slice((int)(begin - firstRow) * columns, (int)(end - begin) * columns),
                (int)(begin - term.RowOffset),
                (int)(end - begin),
                factors[t],
                buffers.Scratch.AsSpan(0, (int)(end - begin) * columns * term.ScratchPerElement));
        }

        Span<byte> output = buffers.Out.AsSpan(0, elements * outSize);
        ElementConvert.Narrow(values, output, to);
        writer.Write(target, firstRow * columns * outSize, output);
        baked.ChunkDone();
    }

    /// <summary>One unit of work: bytes or elements of a copied tensor, or rows of a baked one.</summary>
    private sealed record BakeChunk(TensorInfo Source, TensorInfo Target, long Start, int Count, BakedTensor? Baked);

    /// <summary>Per-thread buffers sized for the largest chunk (a row wider than the chunk makes its own).</summary>
    private sealed class BakeBuffers(int elements)
    {
        private byte[] _in = new byte[elements * 8];
        private byte[] _out = new byte[elements * 8];
        private float[] _values = new float[elements];
        private float[] _scratch = [];

        public byte[] In => _in;

        public byte[] Out => _out;

        public float[] Values => _values;

        /// <summary>Work space for terms that build their update in pieces (LoHa's two products, DoRA's rows before); empty until <see cref="Reserve"/>.</summary>
        public float[] Scratch => _scratch;

        public void Reserve(int elementCount, int scratchPerElement)
        {
            if (elementCount > _values.Length)
            {
                _in = new byte[elementCount * 8];
                _out = new byte[elementCount * 8];
                _values = new float[elementCount];
            }

            if (_scratch.Length < (long)scratchPerElement * elementCount)
            {
                _scratch = new float[scratchPerElement * Math.Max(elementCount, _values.Length)];
            }
        }
    }
}
