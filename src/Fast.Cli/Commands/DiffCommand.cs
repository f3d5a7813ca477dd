using System.Text;
using System.Text.Json;
using Fast.Cli.CommandLine;
using Fast.Kernels;
using Fast.Merging.Api;
using Fast.Merging.Diff;
using Fast.SafeTensors;

namespace Fast.Cli.Commands;

/// <summary>
/// <c>fastmerge diff A B [--json] [--html REPORT] [--device cpu|gpu] [--threads N] [--overwrite]</c>: where two models
/// differ, per block of the denoiser and per group of the text encoders and VAE (L2 of the difference, relative to A,
/// cosine, max |Δ|), streaming both files once.
/// </summary>
internal static class DiffCommand
{
    public static int Run(string[] args)
    {
        var reader = new ArgumentReader("diff", args, new HashSet<string> { "--json", "--overwrite" });
        bool json = reader.Flag("--json");
        string? html = reader.Value("--html");
        bool overwrite = reader.Flag("--overwrite");
        var options = new DiffOptions
        {
            Threads = reader.Int("--threads", Environment.ProcessorCount, 1, 1024),
            Device = (reader.Value("--device") ?? "cpu") switch
            {
                "cpu" or "auto" => MergeDevice.Cpu,
                "gpu" => MergeDevice.Gpu,
                string other => throw new UsageException($"diff: unknown --device {other}; use cpu or gpu"),
            },
            Accelerator = DeviceBackend.DifferenceProvider(),
        };
        reader.EnsureAllConsumed(maxPositionals: 2);
        if (reader.Positionals.Count != 2)
        {
            throw new UsageException("diff: expected two files, A and B");
        }

        if (html is not null && File.Exists(html) && !overwrite)
        {
            throw new UsageException($"diff: {html} already exists; pass --overwrite to replace it");
        }

        DiffReport report;
        using (var bar = new ProgressBar(Console.IsErrorRedirected ? null : Console.Error))
        {
            report = ModelDiff.Compare(reader.Positionals[0], reader.Positionals[1], options, bar, ConsoleCancel.Token);
            bar.Finish();
        }

        if (html is not null)
        {
            WriteAtomically(html, writer => DiffReportHtml.Write(writer, report));
        }

        if (json)
        {
            using Stream stdout = Console.OpenStandardOutput();
            using (var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
            {
                DiffReportJson.Write(w, report);
            }

            stdout.WriteByte((byte)'\n');
        }
        else
        {
            WriteText(Console.Out, report, html);
        }

        return ExitCodes.Ok;
    }

    private static void WriteText(TextWriter o, DiffReport r, string? html)
    {
        o.WriteLine($"A {r.PathA} ({r.ArchitectureA})");
        o.WriteLine($"B {r.PathB} ({r.ArchitectureB})");
        o.WriteLine(Invariant($"{r.Tensors.Count} tensors compared, {Format.Bytes(r.BytesRead)} read on {r.Device}; layout {r.Layout}"));
        o.WriteLine(Invariant($"{"group",-28} {"tensors",7} {"|B-A|/|A|",11} {"|B-A|",11} {"cosine",10} {"max |d|",11}"));
        foreach (DiffSection section in r.Sections)
        {
            o.WriteLine($"[{section.Label}]");
            foreach (DifferenceGroup g in section.Groups)
            {
                o.WriteLine(Row(g.Name, g.Tensors, g.Sums));
            }

            o.WriteLine(Row("all", section.Groups.Sum(g => g.Tensors), section.Sums));
        }

        o.WriteLine(Row("total", r.Tensors.Count, r.Total));
        Note(o, "only in A", r.OnlyInA);
        Note(o, "only in B", r.OnlyInB);
        Note(o, "different shapes, not compared", r.ShapeMismatches);
        Note(o, "not floating point, not compared", r.NotCompared);
        if (html is not null)
        {
            o.WriteLine($"report: {html}");
        }
    }

    private static string Row(string name, int tensors, DifferenceSums s) => tensors == 0
        ? Invariant($"  {name,-26} {tensors,7} {"-",11}")
        : Invariant($"  {name,-26} {tensors,7} {s.RelativeL2Difference,11:G4} {s.L2Difference,11:G4} {s.Cosine,10:0.######} {s.MaxAbsDifference,11:G4}");

    private static void Note(TextWriter o, string what, IReadOnlyList<string> keys)
    {
        if (keys.Count > 0)
        {
            o.WriteLine(Invariant($"{what}: {keys.Count} ({string.Join(", ", keys.Take(5))}{(keys.Count > 5 ? ", …" : string.Empty)})"));
        }
    }

    /// <summary>Writes next to <paramref name="path"/> and renames into place, so a reader never sees half a page.</summary>
    private static void WriteAtomically(string path, Action<TextWriter> write)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        if (Directory.Exists(full))
        {
            throw new UsageException($"diff: --html {path} is a folder; name the report file, e.g. {Path.Combine(path, "diff.html")}");
        }

        if (!Directory.Exists(folder))
        {
            throw new UsageException($"diff: cannot write {path}: folder {folder} does not exist");
        }

        string temp = Path.Combine(folder, TempFileNames.For(Path.GetFileName(full)));
        try
        {
            using (var writer = new StreamWriter(temp, false, new UTF8Encoding(false)))
            {
                write(writer);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
