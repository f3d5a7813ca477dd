namespace Fast.Merging.Architectures;

/// <summary>
/// Recognises a checkpoint's architecture from its key names and shapes, at full scale or at any scale of
/// <see cref="ShapeScaling"/> (so synthetic test checkpoints are recognised like real ones).
/// </summary>
/// <remarks>
/// Every architecture is tried at every supported scale, each component under each of its accepted prefixes; the
/// candidate that accounts for the most keys with the right name and shape wins, ties going to the one that misses
/// fewer required keys, then to the catalog order. Shapes are what tell the variants apart (9-channel inpainting
/// <c>conv_in</c>, SD2's 1024-wide cross attention). A winner whose defining component (its first, e.g. the UNet)
/// is less than half present is not trusted: the result is then <see cref="ArchitectureId.Unknown"/>.
/// </remarks>
public static class ArchitectureRecognizer
{
    /// <summary>Recognises the architecture of a checkpoint given all its keys.</summary>
    public static ArchitectureRecognition Recognize(IEnumerable<TensorKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var shapes = new Dictionary<string, IReadOnlyList<long>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var key in keys)
        {
            if (shapes.TryAdd(key.Name, key.Shape))
            {
                order.Add(key.Name);
            }
        }

        Candidate? best = null;
        foreach (var architecture in ArchitectureCatalog.All)
        {
            if (!AnyNamePresent(architecture.Placements[0], shapes))
            {
                continue;
            }

            // Names do not depend on the scale: look every key up once, then try the scales on the shapes found.
            var present = PresentShapes(architecture, shapes);
            foreach (var scale in ShapeScaling.SupportedScales)
            {
                var candidate = Evaluate(architecture, scale, present);
                if (best is null || candidate.IsBetterThan(best))
                {
                    best = candidate;
                }
            }
        }

        if (best is null || best.DefiningComponentFound * 2 < best.Architecture.Placements[0].Component.Tensors.Count)
        {
            return Classify(null, 1, [], order, claimed: null);
        }

        var matches = best.Prefixes.Select((prefix, i) => Describe(best.Architecture.Placements[i], prefix, best.Scale, shapes)).ToArray();
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < matches.Length; i++)
        {
            foreach (var tensor in best.Architecture.Placements[i].Component.Tensors)
            {
                var name = best.Prefixes[i] + tensor.Name;
                if (shapes.ContainsKey(name))
                {
                    claimed.Add(name);
                }
            }
        }

        return Classify(best.Architecture, best.Scale, matches, order, claimed);
    }

    private static ArchitectureRecognition Classify(
        Architecture? architecture, int scale, IReadOnlyList<ComponentMatch> matches, List<string> order, HashSet<string>? claimed)
    {
        var scheduler = new List<string>();
        var ema = new List<string>();
        var unknown = new List<string>();
        var markers = new List<string>();
        foreach (var name in order)
        {
            if (KnownKeys.IsModelTypeMarker(name))
            {
                markers.Add(name);
            }
            else if (KnownKeys.IsEma(name))
            {
                ema.Add(name);
            }
            else if (KnownKeys.IsSchedulerBuffer(name))
            {
                scheduler.Add(name);
            }
            else if (claimed is null || !claimed.Contains(name))
            {
                unknown.Add(name);
            }
        }

        return new ArchitectureRecognition(architecture, scale, matches, scheduler, ema, unknown, markers);
    }

    private static bool AnyNamePresent(ComponentPlacement placement, Dictionary<string, IReadOnlyList<long>> shapes)
    {
        foreach (var prefix in placement.AllPrefixes)
        {
            foreach (var tensor in placement.Component.Tensors)
            {
                if (shapes.ContainsKey(prefix + tensor.Name))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// For each placement of <paramref name="architecture"/>, each of its prefixes (in <see cref="ComponentPlacement.AllPrefixes"/>
    /// order) and each tensor of its component: the checkpoint's shape under that name, or null when the key is absent.
    /// </summary>
    private static (string Prefix, IReadOnlyList<long>?[] Shapes)[][] PresentShapes(Architecture architecture, Dictionary<string, IReadOnlyList<long>> shapes)
    {
        var result = new (string, IReadOnlyList<long>?[])[architecture.Placements.Count][];
        for (var i = 0; i < result.Length; i++)
        {
            var placement = architecture.Placements[i];
            var tensors = placement.Component.Tensors;
            result[i] = [.. placement.AllPrefixes.Select(prefix =>
            {
                var found = new IReadOnlyList<long>?[tensors.Count];
                for (var t = 0; t < found.Length; t++)
                {
                    found[t] = shapes.GetValueOrDefault(prefix + tensors[t].Name);
                }

                return (prefix, found);
            })];
        }

        return result;
    }

    private static Candidate Evaluate(Architecture architecture, int scale, (string Prefix, IReadOnlyList<long>?[] Shapes)[][] present)
    {
        var prefixes = new string[architecture.Placements.Count];
        int score = 0, missingRequired = 0, definingFound = 0;
        for (var i = 0; i < prefixes.Length; i++)
        {
            var placement = architecture.Placements[i];
            var tensors = placement.Component.Tensors;
            int bestFound = -1, bestMissing = 0;
            foreach (var (prefix, actualShapes) in present[i])
            {
                int found = 0, missing = 0;
                for (var t = 0; t < actualShapes.Length; t++)
                {
                    if (actualShapes[t] is not { } actual)
                    {
                        missing++;
                    }
                    else if (ShapeScaling.Matches(tensors[t].Shape, actual, scale))
                    {
                        found++;
                    }
                }

                if (found > bestFound)
                {
                    (bestFound, bestMissing, prefixes[i]) = (found, missing, prefix);
                }
            }

            score += bestFound;
            if (!placement.IsOptional)
            {
                missingRequired += bestMissing;
            }

            if (i == 0)
            {
                definingFound = bestFound;
            }
        }

        return new Candidate(architecture, scale, prefixes, score, missingRequired, definingFound);
    }

    private static ComponentMatch Describe(ComponentPlacement placement, string prefix, int scale, Dictionary<string, IReadOnlyList<long>> shapes)
    {
        var found = 0;
        var missing = new List<string>();
        var mismatches = new List<ShapeMismatch>();
        foreach (var tensor in placement.Component.Tensors)
        {
            var name = prefix + tensor.Name;
            if (!shapes.TryGetValue(name, out var actual))
            {
                missing.Add(name);
            }
            else if (ShapeScaling.Matches(tensor.Shape, actual, scale))
            {
                found++;
            }
            else
            {
                var expected = tensor.Shape.Select(d => d == ComponentTensor.AnySize ? d : ShapeScaling.ScaleDimension(d, scale)).ToArray();
                mismatches.Add(new ShapeMismatch(name, expected, actual));
            }
        }

        // An optional part (EMA) that is wholly absent is not "missing": most checkpoints are pruned.
        if (placement.IsOptional && found == 0 && mismatches.Count == 0)
        {
            missing.Clear();
        }

        return new ComponentMatch(placement, prefix, found, missing, mismatches);
    }

    private sealed record Candidate(Architecture Architecture, int Scale, string[] Prefixes, int Score, int MissingRequired, int DefiningComponentFound)
    {
        // Strictly better only: on a full tie the earlier catalog entry and the smaller scale stay.
        public bool IsBetterThan(Candidate other) =>
            Score != other.Score ? Score > other.Score : MissingRequired < other.MissingRequired;
    }
}
