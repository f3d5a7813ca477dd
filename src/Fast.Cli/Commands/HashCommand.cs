using System.Text.Json;
using Fast.Cli.CommandLine;
using Fast.Merging.Doctor;
using Fast.Merging.Hashing;
using Fast.SafeTensors;

namespace Fast.Cli.Commands;

/// <summary>
/// <c>fastmerge hash FILE [--json]</c>: sha256, AutoV2, the A1111 legacy hash (AutoV1) and, for a safetensors
/// checkpoint, a content hash per component, all in one pass. Any other file gets the file hashes only.
/// </summary>
internal static class HashCommand
{
    public static int Run(string[] args)
    {
        var reader = new ArgumentReader("hash", args, new HashSet<string> { "--json" });
        bool json = reader.Flag("--json");
        reader.EnsureAllConsumed(maxPositionals: 1);
        if (reader.Positionals.Count != 1)
        {
            throw new UsageException("hash: expected one FILE");
        }

        string path = reader.Positionals[0];
        ModelHashes hashes;
        IReadOnlyList<ComponentReport> components;
        try
        {
            CheckReport report = ModelChecker.Check(path, new CheckOptions { ScanNonFinite = false }, ConsoleCancel.Token);
            (hashes, components) = (report.Hashes, report.Components);
        }
        catch (SafeTensorsFormatException)
        {
            // Not a safetensors file (a .ckpt, a VAE .pt): its file hashes are still what A1111 shows.
            (hashes, components) = (FileHasher.Compute(path, ConsoleCancel.Token), []);
        }

        if (json)
        {
            using Stream stdout = Console.OpenStandardOutput();
            using (var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
            {
                w.WriteStartObject();
                w.WriteString("path", path);
                w.WriteString("sha256", hashes.Sha256);
                w.WriteString("autov2", hashes.AutoV2);
                w.WriteString("legacy", hashes.LegacyHash);
                w.WriteStartObject("components");
                foreach (ComponentReport c in components.Where(c => c.ContentHash is not null))
                {
                    w.WriteString(c.Label, c.ContentHash);
                }

                w.WriteEndObject();
                w.WriteEndObject();
            }

            stdout.WriteByte((byte)'\n');
            return ExitCodes.Ok;
        }

        Console.Out.WriteLine($"sha256   {hashes.Sha256}  {path}");
        Console.Out.WriteLine($"AutoV2   {hashes.AutoV2}");
        Console.Out.WriteLine($"legacy   {hashes.LegacyHash} (AutoV1)");
        foreach (ComponentReport c in components.Where(c => c.ContentHash is not null))
        {
            Console.Out.WriteLine($"{c.Label,-16} {c.ContentHash}");
        }

        return ExitCodes.Ok;
    }
}
