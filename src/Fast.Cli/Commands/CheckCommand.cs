using System.Globalization;
using System.Text.Json;
using Fast.Cli.CommandLine;
using Fast.Merging.Architectures;
using Fast.Merging.Doctor;

namespace Fast.Cli.Commands;

/// <summary><c>fastmerge check FILE|DIR... [--json] [--no-nan-scan]</c>: the model doctor's report per file (JSON Lines for many); exit 0 healthy, 1 problems, 2 unreadable.</summary>
internal static class CheckCommand
{
    // Lists longer than this are shortened in the text report; --json always has them whole.
    private const int ListLimit = 8;

    public static int Run(string[] args)
    {
        var reader = new ArgumentReader("check", args, new HashSet<string> { "--json", "--no-nan-scan" });
        bool json = reader.Flag("--json");
        bool scan = !reader.Flag("--no-nan-scan");
        reader.EnsureAllConsumed(maxPositionals: int.MaxValue);
        if (reader.Positionals.Count == 0)
        {
            throw new UsageException("check: expected one or more FILEs or folders");
        }

        List<string> files = Expand(reader.Positionals);
        bool many = files.Count > 1 || Directory.Exists(reader.Positionals[0]);
        if (!many && !json)
        {
            return CheckOne(files[0], json, jsonLines: false, scan);
        }

        // Many files: one report after another (JSON Lines with --json); a file that cannot be read is reported and
        // the others are still checked. With --json an unreadable file is a JSON object too ({"path", "error",
        // "exit_code"}). The exit code is the worst: 2 unreadable, 1 problems, 0 all healthy.
        int worst = ExitCodes.Ok;
        foreach (string file in files)
        {
            int code;
            try
            {
                code = CheckOne(file, json, jsonLines: many, scan);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && ErrorReporter.Describe(ex) is { } failure)
            {
                code = failure.ExitCode;
                if (json)
                {
                    WriteJsonError(file, failure.Message, code);
                }
                else
                {
                    Console.Error.WriteLine($"fastmerge: {failure.Message}");
                }
            }

            worst = Math.Max(worst, code);
        }

        return worst;
    }

    /// <summary>The files to check: each FILE as given, each folder's *.safetensors (not recursive) in name order.</summary>
    private static List<string> Expand(IReadOnlyList<string> paths)
    {
        var files = new List<string>();
        foreach (string path in paths)
        {
            if (Directory.Exists(path))
            {
                string[] found = Directory.GetFiles(path, "*.safetensors");
                Array.Sort(found, StringComparer.Ordinal);
                if (found.Length == 0)
                {
                    throw new UsageException($"check: folder {path} has no .safetensors files");
                }

                files.AddRange(found);
            }
            else
            {
                files.Add(path);
            }
        }

        return files;
    }

    private static int CheckOne(string path, bool json, bool jsonLines, bool scan)
    {
        CheckReport report = ModelChecker.Check(path, new CheckOptions { ScanNonFinite = scan }, ConsoleCancel.Token);
        if (json)
        {
            using Stream stdout = Console.OpenStandardOutput();
            using (var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = !jsonLines }))
            {
                CheckReportJson.Write(w, report);
            }

            stdout.WriteByte((byte)'\n');
        }
        else
        {
            WriteText(Console.Out, report);
        }

        return report.IsHealthy ? ExitCodes.Ok : ExitCodes.ProblemsFound;
    }

    /// <summary>With --json, a file that cannot be checked is a line too, so a script reading the stream sees every file.</summary>
    private static void WriteJsonError(string path, string message, int exitCode)
    {
        using Stream stdout = Console.OpenStandardOutput();
        using (var w = new Utf8JsonWriter(stdout))
        {
            w.WriteStartObject();
            w.WriteString("path", path);
            w.WriteString("error", message);
            w.WriteNumber("exit_code", exitCode);
            w.WriteEndObject();
        }

        stdout.WriteByte((byte)'\n');
    }

    private static void WriteText(TextWriter o, CheckReport r)
    {
        o.WriteLine(r.Path);
        o.WriteLine(Invariant($"  {r.TensorCount} tensors, {Format.Bytes(r.FileBytes)}; architecture: {r.Recognition.Architecture?.Name ?? "unknown"}{(r.Recognition.Scale == 1 ? string.Empty : Invariant($" (scale 1/{r.Recognition.Scale})"))}"));
        o.WriteLine($"  sha256 {r.Hashes.Sha256}  AutoV2 {r.Hashes.AutoV2}  legacy (AutoV1) {r.Hashes.LegacyHash}");
        foreach (ComponentReport c in r.Components)
        {
            var m = c.Component.Match;
            string dtypes = string.Join(", ", c.DTypes.Select(d => Invariant($"{d.Key} {d.Value}")));
            o.WriteLine(Invariant($"  {c.Label,-15} {m.ComponentName,-20} {m.FoundCount}/{m.ExpectedCount} keys, {c.Parameters:N0} params, {Format.Bytes(c.Bytes)} [{dtypes}]"));
            if (c.ContentHash is not null)
            {
                o.WriteLine($"  {string.Empty,-15} content {c.ContentHash}");
            }

            if (m.MissingKeys.Count > 0)
            {
                o.WriteLine($"  {string.Empty,-15} missing: {List(m.MissingKeys, all: false)}");
            }

            if (m.ShapeMismatches.Count > 0)
            {
                o.WriteLine($"  {string.Empty,-15} wrong shape: {List(m.ShapeMismatches, all: false)}");
            }
        }

        foreach (PositionIdsEntry p in r.PositionIds)
        {
            var pr = p.Report;
            o.WriteLine($"  position ids {p.Key}: {pr.DType} [{string.Join(',', pr.Shape)}], {(pr.AllExactIntegers ? "exact integers" : "not all exact integers")}");
            o.WriteLine($"    corrupt token indexes: {List(pr.CorruptIndexes, all: true)}");
            o.WriteLine($"    missing token numbers: {List(pr.MissingTokens, all: true)}");
            o.WriteLine($"    drifting indexes:      {List(pr.DriftingIndexes, all: true)}");
        }

        if (r.Ema.Count > 0)
        {
            o.WriteLine(Invariant($"  EMA: {r.Ema.Count} keys, {Format.Bytes(r.Ema.Sum(e => e.Bytes))}"));
        }

        if (r.Recognition.ModelTypeKeys.Count > 0)
        {
            o.WriteLine("  model-type markers (kept by fix, copied from A by merge): " +
                string.Join(", ", r.Recognition.ModelTypeKeys.Select(k => $"{k} ({KnownKeys.ModelTypeMarkers[k]})")));
        }

        if (r.Junk.Count > 0)
        {
            o.WriteLine(Invariant($"  junk: {r.Junk.Count} keys, {Format.Bytes(r.Junk.Sum(e => e.Bytes))}: {List(r.Junk.Select(j => j.Key).ToList(), all: false)}"));
        }

        if (r.Fp64Tensors.Count > 0)
        {
            o.WriteLine(Invariant($"  float64: {r.Fp64Tensors.Count} tensors, {Format.Bytes(r.Fp64Tensors.Sum(t => t.Bytes))}; fp16 would save {Format.Bytes(r.Fp64SavingsAsFp16)}"));
        }

        foreach (NonFiniteTensor n in r.NonFinite.Take(ListLimit))
        {
            o.WriteLine(Invariant($"  NaN/Inf {n.Key} ({n.DType}): {n.Count.NaN:N0} NaN, {n.Count.Inf:N0} Inf"));
        }

        if (r.NonFinite.Count > ListLimit)
        {
            o.WriteLine(Invariant($"  NaN/Inf in {r.NonFinite.Count - ListLimit} more tensors (see --json)"));
        }

        if (r.IsHealthy)
        {
            o.WriteLine("  healthy");
            return;
        }

        o.WriteLine(Invariant($"  {r.Problems.Count} problem(s):"));
        foreach (CheckProblem p in r.Problems)
        {
            o.WriteLine($"    - {p.Message}{(p.Fix is null ? string.Empty : $" (fix: {p.Fix})")}");
        }
    }

    private static string List<T>(IReadOnlyList<T> items, bool all)
    {
        if (items.Count == 0)
        {
            return "none";
        }

        IEnumerable<T> shown = all ? items : items.Take(ListLimit);
        string text = string.Join(", ", shown.Select(i => Convert.ToString(i, CultureInfo.InvariantCulture)));
        return all || items.Count <= ListLimit ? text : Invariant($"{text}, … ({items.Count} in all)");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
