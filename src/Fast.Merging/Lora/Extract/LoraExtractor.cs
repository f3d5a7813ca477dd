using System.Globalization;
using Fast.Kernels;
using Fast.Kernels.LowRank;
using Fast.Merging.Lora.Bake;
using Fast.Merging.Planning;
using Fast.SafeTensors;

namespace Fast.Merging.Lora.Extract;

/// <summary>
/// <c>fastmerge lora extract TUNED BASE --rank R</c>: a kohya-ss LoRA from the difference of two checkpoints, as
/// kohya-ss <c>networks/extract_lora_from_models.py</c> makes it: per module <c>D = T − B</c> in binary32 (a 3×3
/// convolution flattened to <c>out × in·kh·kw</c>, a 1×1 squeezed), its rank-<c>r</c> truncated SVD with
/// <c>r = min(rank, out, in)</c>, <c>lora_up = U·diag(S)</c>, <c>lora_down = Vᵀ</c>, both clamped to the
/// <c>--clamp-quantile</c> of their values, <c>alpha = r</c>. The SVD is randomised with power iterations (exact when
/// the layer is small), so the extracted product is within a hair of the optimal rank-r approximation.
/// </summary>
public static class LoraExtractor
{
    private const string SdxlKey = "conditioner.embedders.1.model.transformer.resblocks.9.mlp.c_proj.weight";
    private const string Sd2Key = "cond_stage_model.model.transformer.resblocks.0.attn.out_proj.weight";

    /// <summary>Extracts the LoRA that turns <paramref name="basePath"/> into (approximately) <paramref name="tunedPath"/>.</summary>
    /// <exception cref="LoraException">The models do not match, a rank is not positive, or the output is an input or exists.</exception>
    public static LoraExtractResult Extract(string tunedPath, string basePath, string outputPath, LoraExtractOptions options, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tunedPath);
        ArgumentException.ThrowIfNullOrEmpty(basePath);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Rank < 1 || options.ConvRank is < 1)
        {
            throw new LoraException("lora extract: --rank and --conv-rank must be at least 1");
        }

        if (options.ClampQuantile is { } q && !(q > 0 && q <= 1))
        {
            throw new LoraException($"lora extract: --clamp-quantile must be in (0, 1], got {q.ToString(CultureInfo.InvariantCulture)}");
        }

        if (options.DType is not (DType.F32 or DType.F16 or DType.BF16))
        {
            throw new LoraException($"lora extract: the LoRA dtype must be fp32, fp16 or bf16, got {options.DType}");
        }

        LoraOutputPath.EnsureWritable(outputPath, options.Overwrite, [tunedPath, basePath]);
        using SafeTensorsFile tuned = SafeTensorsFile.Open(tunedPath, options.ReadMode);
        using SafeTensorsFile original = SafeTensorsFile.Open(basePath, options.ReadMode);
        bool isSdxl = original.TryGetTensor(SdxlKey, out _), isSd2 = original.TryGetTensor(Sd2Key, out _);
        var keys = original.Tensors.Select(t => t.Name).ToList();
        IReadOnlyList<CatalogModule> catalog = KohyaModuleCatalog.For(keys, k => original.TryGetTensor(k, out TensorInfo? t) ? t.Shape : null, isSd2, isSdxl);
        var modules = catalog.Where(m => !m.IsConvBlock || options.ConvRank is not null).ToList();
        if (modules.Count == 0)
        {
            throw new LoraException($"{basePath}: no weight kohya's LoRA modules cover (not an SD1/SD2/SDXL checkpoint?)");
        }

        foreach (CatalogModule m in modules)
        {
            TensorInfo b = original[m.Target.Key];
            if (!tuned.TryGetTensor(m.Target.Key, out TensorInfo? t) || !ShapeFormatting.SequenceEqual(t.Shape, b.Shape) || !ElementTypes.TryGet(t.DType, out _) || !ElementTypes.TryGet(b.DType, out _))
            {
                throw new LoraException($"{tunedPath}: '{m.Target.Key}' is missing, not floating, or shaped differently from {basePath}'s");
            }
        }

        // kohya: the text encoders only when they differ by more than min_diff anywhere.
        bool textEncoder = modules.Where(m => m.IsTextEncoder).AsParallel().Any(m => MaxAbs(Difference(tuned, original, m)) > options.MinDiff);
        if (!textEncoder)
        {
            modules.RemoveAll(m => m.IsTextEncoder);
        }

        var plans = modules.Select(m => Plan(original, m, options)).ToList();
        var specs = new List<TensorSpec>();
        foreach (ModulePlan p in plans)
        {
            specs.Add(new TensorSpec(p.Module.Name + ".lora_up.weight", options.DType, p.UpShape));
            specs.Add(new TensorSpec(p.Module.Name + ".lora_down.weight", options.DType, p.DownShape));
            specs.Add(new TensorSpec(p.Module.Name + ".alpha", options.DType, []));
        }

        using SafeTensorsWriter writer = SafeTensorsWriter.Create(outputPath, specs, Metadata(options), options.Overwrite);
        var parallel = new ParallelOptions { CancellationToken = cancellation, MaxDegreeOfParallelism = options.Threads > 0 ? options.Threads : Environment.ProcessorCount };
        ParallelErrors.Run(() => Parallel.ForEach(plans, parallel, p =>
        {
            float[] d = Difference(tuned, original, p.Module);
            double[] matrix = Array.ConvertAll(d, x => (double)x);
            SvdFactors svd = TruncatedSvd.Compute(matrix, p.Rows, p.Columns, p.Rank, oversample: 10, options.PowerIterations, seed: p.Rows ^ p.Columns);
            float[] up = new float[p.Rows * p.Rank], down = new float[p.Rank * p.Columns];
            for (int i = 0; i < p.Rows; i++)
            {
                for (int k = 0; k < p.Rank; k++)
                {
                    up[(i * p.Rank) + k] = (float)svd.U[(i * p.Rank) + k] * (float)svd.S[k];
                }
            }

            for (int k = 0; k < down.Length; k++)
            {
                down[k] = (float)svd.Vt[k];
            }

            if (options.ClampQuantile is { } quantile)
            {
                FactorClamp.Apply(up, down, quantile);
            }

            Store(writer, p.Module.Name + ".lora_up.weight", up, options.DType);
            Store(writer, p.Module.Name + ".lora_down.weight", down, options.DType);
            Store(writer, p.Module.Name + ".alpha", [p.Rank], options.DType);
        }));
        cancellation.ThrowIfCancellationRequested();
        tuned.EnsureUnchanged();
        original.EnsureUnchanged();
        writer.Commit();
        return new LoraExtractResult(Path.GetFullPath(outputPath), plans.Count, textEncoder);
    }

    private static ModulePlan Plan(SafeTensorsFile original, CatalogModule m, LoraExtractOptions options)
    {
        IReadOnlyList<long> w = original[m.Target.Key].Shape;
        int rows = (int)(m.Target.Rows ?? w[0]);
        long columns = original[m.Target.Key].ElementCount / w[0];
        bool conv3x3 = w.Count == 4 && (w[2] != 1 || w[3] != 1);
        int wanted = conv3x3 && options.ConvRank is { } c ? c : options.Rank;
        int rank = (int)Math.Min(wanted, Math.Min(rows, w[1]));
        IReadOnlyList<long> up = w.Count == 4 ? [rows, rank, 1, 1] : [rows, rank];
        IReadOnlyList<long> down = w.Count == 4 ? [rank, w[1], w[2], w[3]] : [rank, w[1]];
        return new ModulePlan(m, rows, (int)columns, rank, up, down);
    }

    private static float[] Difference(SafeTensorsFile tuned, SafeTensorsFile original, CatalogModule m)
    {
        TensorInfo b = original[m.Target.Key], t = tuned[m.Target.Key];
        long columns = b.ElementCount / b.Shape[0];
        long rows = m.Target.Rows ?? b.Shape[0];
        float[] tv = Read(tuned, t, m.Target.RowOffset * columns, rows * columns);
        float[] bv = Read(original, b, m.Target.RowOffset * columns, rows * columns);
        for (int i = 0; i < tv.Length; i++)
        {
            tv[i] -= bv[i];
        }

        return tv;
    }

    private static float[] Read(SafeTensorsFile file, TensorInfo tensor, long firstElement, long count)
    {
        ElementType type = ElementTypes.Of(tensor.DType);
        int size = ElementTypeInfo.SizeOf(type);
        byte[] bytes = new byte[count * size];
        file.CopyTo(tensor, firstElement * size, bytes);
        float[] values = new float[count];
        ElementConvert.Widen(bytes, type, values);
        return values;
    }

    private static double MaxAbs(float[] values) => values.Length == 0 ? 0 : values.Max(MathF.Abs);

    private static void Store(SafeTensorsWriter writer, string name, float[] values, DType dtype)
    {
        ElementType type = ElementTypes.Of(dtype);
        byte[] bytes = new byte[values.Length * ElementTypeInfo.SizeOf(type)];
        ElementConvert.Narrow(values, bytes, type);
        writer.Write(name, 0, bytes);
    }

    private static List<KeyValuePair<string, string>> Metadata(LoraExtractOptions options)
    {
        var metadata = new List<KeyValuePair<string, string>>
        {
            new("ss_network_module", "networks.lora"),
            new("ss_network_dim", options.Rank.ToString(CultureInfo.InvariantCulture)),
            new("ss_network_alpha", ((double)options.Rank).ToString("0.0", CultureInfo.InvariantCulture)),
        };
        if (options.ConvRank is { } c)
        {
            metadata.Add(new("ss_network_args", string.Create(CultureInfo.InvariantCulture, $"{{\"conv_dim\": \"{c}\", \"conv_alpha\": \"{c:0.0}\"}}")));
        }

        return metadata;
    }

    private sealed record ModulePlan(CatalogModule Module, int Rows, int Columns, int Rank, IReadOnlyList<long> UpShape, IReadOnlyList<long> DownShape);
}
