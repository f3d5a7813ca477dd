using System.Text.Json;
using Fast.Cli.CommandLine;
using Fast.Merging.Blocks;

namespace Fast.Cli.Commands;

/// <summary><c>fastmerge presets [--json]</c>: the block-weight presets --weights-alpha/--weights-beta accept by name, with their values.</summary>
internal static class PresetsCommand
{
    public static int Run(string[] args)
    {
        var reader = new ArgumentReader("presets", args, new HashSet<string> { "--json" });
        bool json = reader.Flag("--json");
        reader.EnsureAllConsumed(maxPositionals: 0);
        if (json)
        {
            using Stream stdout = Console.OpenStandardOutput();
            using (var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
            {
                w.WriteStartObject();
                foreach (string name in BlockWeightPresets.Names)
                {
                    w.WriteString(name, Text(name));
                }

                w.WriteEndObject();
            }

            stdout.WriteByte((byte)'\n');
            return ExitCodes.Ok;
        }

        int width = BlockWeightPresets.Names.Max(n => n.Length);
        foreach (string name in BlockWeightPresets.Names)
        {
            Console.Out.WriteLine($"{name.PadRight(width)}  {Text(name)}");
        }

        return ExitCodes.Ok;
    }

    private static string Text(string name) => BlockWeightPresets.TryGetText(name, out string text) ? text : string.Empty;
}
