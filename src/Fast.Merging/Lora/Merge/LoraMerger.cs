using System.Globalization;
using Fast.Kernels;
using Fast.Merging.Lora.Bake;
using Fast.Merging.Planning;
using Fast.SafeTensors;

namespace Fast.Merging.Lora.Merge;

/// <summary>
/// <c>fastmerge lora merge L1[:S[:BLOCKS]] L2… -o OUT</c>: kohya-ss LoRAs merged into one LoRA file, in binary32
/// (see <see cref="LoraMergeMode"/>). A block list weights each module by its block as in supermerger's merge
/// (<c>blockfromkey</c>); modules outside every block take the plain strength.
/// </summary>
public static class LoraMerger
{
    /// <summary>Merges <paramref name="loras"/> into <paramref name="outputPath"/>; returns the number of modules written.</summary>
    /// <exception cref="LoraException">Ranks differ in sum mode, a module's shapes disagree, or the output is an input or exists.</exception>
    public static int Merge(IReadOnlyList<LoraInput> loras, string outputPath, LoraMergeOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(loras);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        ArgumentNullException.ThrowIfNull(options);
        if (loras.Count == 0)
        {
            throw new LoraException("lora merge: give at least one LoRA");
        }

        if (options.DType is not (DType.F32 or DType.F16 or DType.BF16))
        {
            throw new LoraException($"lora merge: the LoRA dtype must be fp32, fp16 or bf16, got {options.DType}");
        }

        LoraOutputPath.EnsureWritable(outputPath, options.Overwrite, loras.Select(l => l.Path));
        var files = new List<SafeTensorsFile>();
        try
        {
            var parts = new Dictionary<string, List<(int Lora, KohyaModule Module)>>(StringComparer.Ordinal);
            var order = new List<string>();
            for (int i = 0; i < loras.Count; i++)
            {
                files.Add(SafeTensorsFile.Open(loras[i].Path, options.ReadMode));
                foreach (KohyaModule m in KohyaModule.Read(files[i]))
                {
                    if (!parts.TryGetValue(m.Name, out var list))
                    {
                        parts.Add(m.Name, list = []);
                        order.Add(m.Name);
                    }

                    list.Add((i, m));
                }
            }

            var specs = new List<TensorSpec>();
            foreach (string name in order)
            {
                var (upShape, downShape) = MergedShapes(name, parts[name], files, options.Mode);
                specs.Add(new TensorSpec(name + ".lora_up.weight", options.DType, upShape));
                specs.Add(new TensorSpec(name + ".lora_down.weight", options.DType, downShape));
                specs.Add(new TensorSpec(name + ".alpha", options.DType, []));
            }

            var metadata = new List<KeyValuePair<string, string>> { new("ss_network_module", "networks.lora") };
            using SafeTensorsWriter writer = SafeTensorsWriter.Create(outputPath, specs, metadata, options.Overwrite);
            ParallelErrors.Run(() => Parallel.ForEach(order, new ParallelOptions { CancellationToken = cancellation }, name =>
            {
                var (up, down, alpha) = options.Mode == LoraMergeMode.Sum
                    ? Sum(parts[name], loras, files, options.SameStrength)
                    : Concat(parts[name], loras, files);
                Store(writer, name + ".lora_up.weight", up, options.DType);
                Store(writer, name + ".lora_down.weight", down, options.DType);
                Store(writer, name + ".alpha", [alpha], options.DType);
            }));
            cancellation.ThrowIfCancellationRequested();
            writer.Commit();
            return order.Count;
        }
        finally
        {
            foreach (SafeTensorsFile f in files)
            {
                f.Dispose();
            }
        }
    }

    private static (IReadOnlyList<long> Up, IReadOnlyList<long> Down) MergedShapes(string name, List<(int Lora, KohyaModule Module)> modules, List<SafeTensorsFile> files, LoraMergeMode mode)
    {
        KohyaModule first = modules[0].Module;
        long rank = 0;
        foreach ((int lora, KohyaModule m) in modules)
        {
            bool sameRank = ShapeFormatting.SequenceEqual(m.Up.Shape, first.Up.Shape) && ShapeFormatting.SequenceEqual(m.Down.Shape, first.Down.Shape);
            bool sameLayer = m.Up.Shape[0] == first.Up.Shape[0] && m.Down.ElementCount / m.Rank == first.Down.ElementCount / first.Rank && m.Up.Shape.Count == first.Up.Shape.Count;
            if (mode == LoraMergeMode.Sum && !sameRank)
            {
                throw new LoraException($"{files[lora].Path}: module '{name}' is {ShapeFormatting.Format(m.Up.Shape)}·{ShapeFormatting.Format(m.Down.Shape)}, not {ShapeFormatting.Format(first.Up.Shape)}·{ShapeFormatting.Format(first.Down.Shape)} as in {files[modules[0].Lora].Path}; ranks differ, use --mode concat");
            }

            if (!sameLayer)
            {
                throw new LoraException($"{files[lora].Path}: module '{name}' does not target the same layer shape as in {files[modules[0].Lora].Path}");
            }

            rank += m.Rank;
        }

        if (mode == LoraMergeMode.Sum)
        {
            return (first.Up.Shape, first.Down.Shape);
        }

        var up = first.Up.Shape.ToArray();
        var down = first.Down.Shape.ToArray();
        up[1] = rank;
        down[0] = rank;
        return (up, down);
    }

    // kohya merge_lora_models / supermerger merge_lora_models: merged = merged + factor * scale, in binary32.
    private static (float[] Up, float[] Down, float Alpha) Sum(List<(int Lora, KohyaModule Module)> modules, IReadOnlyList<LoraInput> loras, List<SafeTensorsFile> files, bool sameStrength)
    {
        float baseAlpha = LoraFactors.Alpha(files[modules[0].Lora], modules[0].Module);
        float[]? up = null, down = null;
        foreach ((int lora, KohyaModule m) in modules)
        {
            float alpha = LoraFactors.Alpha(files[lora], m);
            double ratio = RatioOf(loras[lora], m.Name);
            double sign = 1;
            if (sameStrength)
            {
                sign = ratio < 0 ? -1 : 1;
                ratio = Math.Sqrt(Math.Abs(ratio));
            }

            double scale = Math.Sqrt(alpha / (double)baseAlpha) * ratio;
            Accumulate(ref up, LoraFactors.Read(files[lora], m.Up), (float)(sameStrength ? scale : Math.Abs(scale)));
            Accumulate(ref down, LoraFactors.Read(files[lora], m.Down), (float)(scale * sign));
        }

        return (up!, down!, baseAlpha);
    }

    private static (float[] Up, float[] Down, float Alpha) Concat(List<(int Lora, KohyaModule Module)> modules, IReadOnlyList<LoraInput> loras, List<SafeTensorsFile> files)
    {
        int total = (int)modules.Sum(x => x.Module.Rank);
        long rows = modules[0].Module.Up.Shape[0];
        long columns = modules[0].Module.Down.ElementCount / modules[0].Module.Rank;
        float[] up = new float[rows * total], down = new float[total * columns];
        int offset = 0;
        foreach ((int lora, KohyaModule m) in modules)
        {
            int rank = (int)m.Rank;
            float factor = (float)(RatioOf(loras[lora], m.Name) * LoraFactors.Alpha(files[lora], m) / rank);
            float[] u = LoraFactors.Read(files[lora], m.Up), d = LoraFactors.Read(files[lora], m.Down);
            for (long i = 0; i < rows; i++)
            {
                for (int k = 0; k < rank; k++)
                {
                    up[(i * total) + offset + k] = u[(i * rank) + k] * factor;
                }
            }

            Array.Copy(d, 0, down, offset * columns, d.Length);
            offset += rank;
        }

        return (up, down, total);
    }

    // The module's block by its converted name (SD1/SD2 naming; SDXL's te1/te2 and ldm names land on their blocks too).
    private static double RatioOf(LoraInput lora, string module) =>
        lora.Weights.RatioFor(KohyaNames.ToCheckpointName(module, isSd2: false, isSdxl: true), isSd2: false);

    private static void Accumulate(ref float[]? sum, float[] values, float scale)
    {
        if (sum is null)
        {
            sum = new float[values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                sum[i] = values[i] * scale;
            }

            return;
        }

        for (int i = 0; i < values.Length; i++)
        {
            sum[i] += values[i] * scale;
        }
    }

    private static void Store(SafeTensorsWriter writer, string name, float[] values, DType dtype)
    {
        ElementType type = ElementTypes.Of(dtype);
        byte[] bytes = new byte[values.Length * ElementTypeInfo.SizeOf(type)];
        ElementConvert.Narrow(values, bytes, type);
        writer.Write(name, 0, bytes);
    }
}
