using System.Text.Json;
using Fast.Cli.CommandLine;
using Fast.Kernels.Attention;

namespace Fast.Cli.Commands.Slothful;

/// <summary>One U-Net level with self-attention: downsample factor, channels, heads.</summary>
internal readonly record struct SlothfulLevel(int Downsample, int Channels, int Heads);

/// <summary>A model family's model_channels and attention levels (middle excluded).</summary>
internal sealed record SlothfulModel(int ModelChannels, IReadOnlyList<SlothfulLevel> Levels)
{
    /// <summary>The built-in families, the same as the golden file's <c>models</c>.</summary>
    public static readonly IReadOnlyDictionary<string, SlothfulModel> BuiltIn = new Dictionary<string, SlothfulModel>(StringComparer.Ordinal)
    {
        ["sd15"] = new(320, [new(1, 320, 8), new(2, 640, 8), new(4, 1280, 8)]),
        ["sdxl"] = new(320, [new(2, 640, 10), new(4, 1280, 20)]),
        ["sd2"] = new(320, [new(1, 320, 5), new(2, 640, 10), new(4, 1280, 20)]),
    };

    /// <summary>Parses <c>[model_channels, [[ds, C, heads], ...]]</c>.</summary>
    public static SlothfulModel Parse(JsonElement e, string what)
    {
        try
        {
            int mc = e[0].GetInt32();
            var levels = e[1].EnumerateArray().Select(l => new SlothfulLevel(l[0].GetInt32(), l[1].GetInt32(), l[2].GetInt32())).ToList();
            return new SlothfulModel(mc, levels);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IndexOutOfRangeException or FormatException)
        {
            throw new UsageException($"{what}: expected [model_channels, [[ds, C, heads], ...]]");
        }
    }

    /// <summary>The level with downsample factor <paramref name="ds"/>.</summary>
    public SlothfulLevel Level(int ds, string what) =>
        Levels.FirstOrDefault(l => l.Downsample == ds) is { Channels: > 0 } level ? level : throw new UsageException($"{what}: the model has no attention level ds={ds}");
}

/// <summary>Node settings from a golden parameter set, with one mode and blend pair for both sides (as the cases use).</summary>
internal static class SlothfulPsets
{
    public static SlothfulSettings Parse(JsonElement p, SlothfulMode mode, double kb, double vb) => new()
    {
        PeakTime = p.GetProperty("peak_time").GetDouble(),
        TimeDecay = p.GetProperty("time_decay").GetDouble(),
        In = new SlothfulSide(mode, p.GetProperty("in_depth_decay").GetDouble(), p.GetProperty("in_slothful").GetDouble(), kb, vb),
        Out = new SlothfulSide(mode, p.GetProperty("out_depth_decay").GetDouble(), p.GetProperty("out_slothful").GetDouble(), kb, vb),
    };
}
