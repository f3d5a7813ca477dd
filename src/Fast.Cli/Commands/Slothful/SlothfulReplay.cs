using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Fast.Cli.CommandLine;
using Fast.Kernels;
using Fast.Kernels.Attention;
using Fast.SafeTensors;

namespace Fast.Cli.Commands.Slothful;

/// <summary>
/// <c>fastmerge slothful replay G -o OUT</c>: recomputes every case and schedule table of a reference.py golden
/// file from its inputs (<c>in/...</c>) and the cases' parameters, never from the derived fields (<c>stride</c>,
/// <c>windows</c>, <c>grid_used</c>, <c>M</c>) of a case that names a latent, and writes them under the golden's names.
/// </summary>
internal static class SlothfulReplay
{
    public sealed record Result(int Cases, int Tables, int Tensors);

    public static Result Run(string goldenPath, string outputPath, LerpPolicy lerp, int maxThreads, bool overwrite, ISlothfulPoolDevice? gpu = null)
    {
        using SafeTensorsFile golden = SafeTensorsFile.Open(goldenPath);
        var outputs = new List<(TensorSpec Spec, byte[] Data)>();
        int cases, tables;
        try
        {
            Dictionary<string, string> meta = golden.Metadata.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            string Meta(string key) => meta.TryGetValue(key, out string? v) ? v : throw new UsageException($"{goldenPath}: __metadata__ has no '{key}' (not a reference.py golden file?)");
            using JsonDocument caseDoc = JsonDocument.Parse(Meta("cases"));
            using JsonDocument psets = JsonDocument.Parse(Meta("psets"));
            using JsonDocument latents = JsonDocument.Parse(Meta("latents"));
            using JsonDocument models = JsonDocument.Parse(Meta("models"));
            using JsonDocument steps = JsonDocument.Parse(Meta("sched_t"));
            using JsonDocument columns = JsonDocument.Parse(Meta("sched_columns"));
            if (!columns.RootElement.EnumerateArray().Select(c => c.GetString()).SequenceEqual(SlothfulScheduleTable.Columns))
            {
                throw new UsageException($"{goldenPath}: sched_columns differ from the columns this replay writes");
            }

            int[] ts = steps.RootElement.EnumerateArray().Select(e => e.GetInt32()).ToArray();
            tables = ReplayTables(golden, goldenPath, psets.RootElement, latents.RootElement, models.RootElement, ts, outputs);
            cases = 0;
            foreach (JsonProperty c in caseDoc.RootElement.EnumerateObject())
            {
                ReplayCase(golden, goldenPath, c.Name, c.Value, psets.RootElement, latents.RootElement, models.RootElement, lerp, maxThreads, gpu, outputs);
                cases++;
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IndexOutOfRangeException)
        {
            throw new UsageException($"{goldenPath}: bad golden metadata: {ex.Message}");
        }

        using (SafeTensorsWriter writer = SafeTensorsWriter.Create(outputPath, outputs.Select(o => o.Spec), [new("generator", "fastmerge slothful replay")], overwrite))
        {
            foreach ((TensorSpec spec, byte[] data) in outputs)
            {
                writer.Write(spec.Name, 0, data);
            }

            writer.Commit();
        }

        return new Result(cases, tables, outputs.Count);
    }

    private static int ReplayTables(
        SafeTensorsFile golden, string path, JsonElement psets, JsonElement latents, JsonElement models, int[] ts, List<(TensorSpec, byte[])> outputs)
    {
        int tables = 0;
        foreach (TensorInfo t in golden.Tensors.Where(t => t.Name.StartsWith("sched/", StringComparison.Ordinal) && t.Name.EndsWith("/i64", StringComparison.Ordinal)))
        {
            string[] parts = t.Name.Split('/');
            if (parts.Length != 5)
            {
                throw new UsageException($"{path}: unexpected schedule table name '{t.Name}'");
            }

            (SlothfulModel model, int h, int w) = Latent(latents, models, parts[1], path);
            SlothfulSettings settings = SlothfulPsets.Parse(psets.GetProperty(parts[2]), SlothfulMode.Avg2D, 0, 0);
            (long[] i64, double[] f64, int rows) = SlothfulScheduleTable.Build(model, h, w, settings, SlothfulNames.ParseCompat(parts[3]), ts);
            string prefix = string.Join('/', parts[..4]);
            outputs.Add((new TensorSpec(prefix + "/i64", DType.I64, [rows, SlothfulScheduleTable.Columns.Length]), MemoryMarshal.AsBytes(i64.AsSpan()).ToArray()));
            outputs.Add((new TensorSpec(prefix + "/f64", DType.F64, [rows, 3]), MemoryMarshal.AsBytes(f64.AsSpan()).ToArray()));
            tables++;
        }

        return tables;
    }

    private static void ReplayCase(
        SafeTensorsFile golden,
        string path,
        string name,
        JsonElement c,
        JsonElement psets,
        JsonElement latents,
        JsonElement models,
        LerpPolicy lerp,
        int maxThreads,
        ISlothfulPoolDevice? gpu,
        List<(TensorSpec, byte[])> outputs)
    {
        string dtypeName = c.GetProperty("dtype").GetString()!;
        (DType dtype, ElementType type) = dtypeName switch
        {
            "F32" => (DType.F32, ElementType.F32),
            "F16" => (DType.F16, ElementType.F16),
            "BF16" => (DType.BF16, ElementType.BF16),
            _ => throw new UsageException($"{path}: case {name}: unsupported dtype '{dtypeName}'"),
        };
        SlothfulMode mode = SlothfulNames.ParseMode(c.GetProperty("mode").GetString()!);
        double kb = c.GetProperty("kb").GetDouble(), vb = c.GetProperty("vb").GetDouble();
        SlothfulCompat compat = SlothfulNames.ParseCompat(c.GetProperty("version").GetString()!);
        int batch = c.GetProperty("B").GetInt32(), channels = c.GetProperty("C").GetInt32();
        string inputName = c.GetProperty("input").GetString()!;
        if (!golden.TryGetTensor(inputName, out TensorInfo? input))
        {
            throw new UsageException($"{path}: case {name}: input '{inputName}' is missing");
        }

        SlothfulPlan plan;
        int n;
        if (c.TryGetProperty("latent", out JsonElement latentName))
        {
            // Everything from the case's parameters: latent, level, pset, side, t; the node's own derivation.
            (SlothfulModel model, int lh, int lw) = Latent(latents, models, latentName.GetString()!, path);
            SlothfulLevel level = model.Level(c.GetProperty("ds").GetInt32(), $"{path}: case {name}");
            (int th, int tw) = SlothfulSchedule.TrueGrid(lh, lw, level.Downsample);
            n = th * tw;
            SlothfulSettings settings = SlothfulPsets.Parse(psets.GetProperty(c.GetProperty("pset").GetString()!), mode, kb, vb);
            double tr = SlothfulSchedule.TimeRatio(settings.PeakTime, settings.TimeDecay, c.GetProperty("t").GetInt32());
            SlothfulBlock block = c.GetProperty("side").GetString() switch
            {
                "in" => SlothfulBlock.Input,
                "out" => SlothfulBlock.Output,
                string other => throw new UsageException($"{path}: case {name}: unknown side '{other}'"),
                null => throw new UsageException($"{path}: case {name}: side is null"),
            };
            SlothfulGrid grid = compat == SlothfulCompat.Fixed ? SlothfulGrid.Host(th, tw) : SlothfulGrid.Latent(lh, lw);
            plan = SlothfulPlan.ForLayer(settings, block, level.Channels, model.ModelChannels, level.Heads, tr, n, grid, compat);
        }
        else
        {
            // A direct pooling() call: the grid and stride are the case's own parameters (the stride is written as repr()).
            JsonElement g = c.GetProperty("grid");
            int h = g[0].GetInt32(), w = g[1].GetInt32();
            n = h * w;
            JsonElement s = c.GetProperty("stride");
            double stride = s.ValueKind == JsonValueKind.String ? double.Parse(s.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture) : s.GetDouble();
            plan = SlothfulPlan.ForStride(stride, mode, kb, vb, n, (h, w), compat);
        }

        if (input.DType != dtype || input.Rank != 3 || input.Shape[0] != batch || input.Shape[1] != n || input.Shape[2] != channels)
        {
            throw new UsageException($"{path}: case {name}: input {inputName} is {input.DType}{Shape(input)}, expected {dtype}[{batch}, {n}, {channels}]");
        }

        ReadOnlySpan<byte> x = golden.GetSpan(input, 0, checked((int)input.ByteLength));
        int size = ElementTypeInfo.SizeOf(type);
        long outBytes = SlothfulPooling.OutputElements(plan, batch, channels) * size;
        byte[] k = new byte[outBytes];
        bool writeV = kb != vb;                                  // the golden stores V only when it has its own blend
        byte[] v = writeV ? new byte[outBytes] : [];
        if (gpu is null)
        {
            SlothfulPooling.Pool(plan, type, x, batch, channels, k, v, lerp, maxThreads);
        }
        else
        {
            gpu.Pool(plan, type, x, batch, channels, k, v, lerp);
        }

        long[] shape = [batch, plan.M, channels];
        outputs.Add((new TensorSpec(name + "/K", dtype, shape), k));
        if (writeV)
        {
            outputs.Add((new TensorSpec(name + "/V", dtype, shape), v));
        }
    }

    private static (SlothfulModel Model, int H, int W) Latent(JsonElement latents, JsonElement models, string latent, string path)
    {
        if (!latents.TryGetProperty(latent, out JsonElement l))
        {
            throw new UsageException($"{path}: unknown latent '{latent}'");
        }

        string modelName = l[0].GetString()!;
        if (!models.TryGetProperty(modelName, out JsonElement m))
        {
            throw new UsageException($"{path}: unknown model '{modelName}'");
        }

        return (SlothfulModel.Parse(m, $"{path}: model {modelName}"), l[1].GetInt32(), l[2].GetInt32());
    }

    private static string Shape(TensorInfo t) => "[" + string.Join(", ", t.Shape) + "]";
}
