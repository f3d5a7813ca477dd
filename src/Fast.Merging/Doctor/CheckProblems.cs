using System.Globalization;
using Fast.Merging.Architectures;

namespace Fast.Merging.Doctor;

/// <summary>Turns the findings of a check into the list of problems and the fix option for each.</summary>
internal static class CheckProblems
{
    public static List<CheckProblem> Find(CheckReport r)
    {
        var problems = new List<CheckProblem>();
        void Add(CheckProblemKind kind, string message, string? fix) => problems.Add(new CheckProblem(kind, message, fix));

        // A file holding only a component (an extracted text encoder) is not of an unknown architecture.
        if (r.Recognition.Architecture is null && r.Components.Count == 0)
        {
            Add(CheckProblemKind.UnknownArchitecture, "no known Stable Diffusion architecture or component matches the keys", null);
        }

        foreach (ComponentReport c in r.Components)
        {
            ComponentMatch m = c.Component.Match;
            if (m.MissingKeys.Count > 0)
            {
                Add(CheckProblemKind.MissingKeys, Invariant($"{c.Label} ({m.ComponentName}) lacks {m.MissingKeys.Count} of {m.ExpectedCount} keys, e.g. {m.MissingKeys[0]}"),
                    c.Component.Role switch { ComponentRole.Vae => "--vae FILE", ComponentRole.TextEncoder => "--clip FILE", _ => null });
            }

            if (m.ShapeMismatches.Count > 0)
            {
                Add(CheckProblemKind.ShapeMismatch, Invariant($"{c.Label} has {m.ShapeMismatches.Count} keys of unexpected shape, e.g. {m.ShapeMismatches[0]}"), null);
            }

            if (c.Component.UsesAlternatePrefix)
            {
                Add(CheckProblemKind.NaiClipKeys, $"{c.Label} uses NAI-style keys under '{m.Prefix}' instead of '{m.Placement.Prefix}'", "--rename-nai");
            }
        }

        foreach (PositionIdsEntry p in r.PositionIds.Where(p => !p.Report.IsClean || p.Report.DriftingIndexes.Count > 0))
        {
            Add(CheckProblemKind.PositionIds, Invariant(
                $"{p.Key}: {p.Report.DType} {ShapeFormatting.Format(p.Report.Shape)}, {p.Report.CorruptIndexes.Count} corrupt, {p.Report.MissingTokens.Count} missing, {p.Report.DriftingIndexes.Count} drifting"),
                "--position-ids reset");
        }

        if (r.Junk.Count > 0)
        {
            Add(CheckProblemKind.Junk, Invariant($"{r.Junk.Count} keys no loader uses ({r.Junk.Sum(j => j.Bytes):N0} bytes), e.g. {r.Junk[0].Key}"), "--prune");
        }

        if (r.Ema.Count > 0)
        {
            Add(CheckProblemKind.Ema, Invariant($"EMA copy of the UNet: {r.Ema.Count} keys, {r.Ema.Sum(e => e.Bytes):N0} bytes unused for inference"), "--prune");
        }

        if (r.Fp64Tensors.Count > 0)
        {
            Add(CheckProblemKind.Fp64, Invariant($"{r.Fp64Tensors.Count} float64 tensors; fp16 would save {r.Fp64SavingsAsFp16:N0} bytes"), "--dtype fp16");
        }

        if (r.NonFinite.Count > 0)
        {
            Add(CheckProblemKind.NonFinite, Invariant(
                $"{r.NonFinite.Count} tensors hold NaN/Inf ({r.NonFinite.Sum(n => n.Count.NaN):N0} NaN, {r.NonFinite.Sum(n => n.Count.Inf):N0} Inf), e.g. {r.NonFinite[0].Key}"),
                "--nan-to-num");
        }

        return problems;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
