using Fast.Kernels.Methods;

namespace Fast.Merging.Methods.Multi;

/// <summary>
/// The task-arithmetic family over a base (mergekit <c>merge_methods/generalized_task_arithmetic.py</c> with
/// <c>sparsify.py</c>): per model, δᵢ = Mᵢ − base (f32); <c>ties</c> trims each δᵢ to its largest
/// <c>floor(density·n)</c> magnitudes (<see cref="MagnitudeTrim"/>), <c>dare</c>/<c>dare_ties</c> drop each element with
/// probability 1 − density and divide the kept ones by density (<see cref="DareMask"/>); then wdᵢ = wᵢ·δᵢ. With sign
/// consensus (ties, dare_ties) the mixed difference is the elected-sign mean (<see cref="MethodKernels.SignElectedMean"/>);
/// without (dare) it is <c>((0 + wd₀) + wd₁) + …</c>, divided with normalise by Σwᵢ (f32, in order; |Σ| &lt; 1e-8 → 1).
/// The result is <c>base + λ·mixed</c>, the product and the sum each rounded to f32. Everything after the trim is
/// elementwise; a tensor the engine splits gets its trim thresholds from one streaming pass (three when a model's
/// sampled bracket misses; <see cref="BracketedMagnitudeSelection"/>) and keeps exactly the set the whole-tensor trim
/// keeps.
/// </summary>
internal static class TaskArithmeticMethod
{
    public static MethodStateFactory Create(bool trim, bool drop, bool consensus) =>
        (parameters, elements, whole) => new State(parameters, elements, whole, trim, drop, consensus);

    private sealed class State : MethodTensorState
    {
        private readonly MethodParameters _parameters;
        private readonly bool _trim, _drop, _consensus, _streamedTrim;
        private readonly long _keep, _elements;
        private readonly float[] _weights;
        private BracketedMagnitudeSelection[]? _selections;
        private long[]? _equalToKeep;
        private uint _nameHash;
        private bool _hashed;

        public State(MethodParameters parameters, long elements, bool whole, bool trim, bool drop, bool consensus)
        {
            _parameters = parameters;
            _trim = trim;
            _drop = drop;
            _consensus = consensus;
            _elements = elements;
            _weights = [.. parameters.Weights.Select(w => (float)w)];
            _keep = trim ? MagnitudeTrim.KeptCount(parameters.Density, elements) : elements;
            _streamedTrim = trim && !whole && _keep > 0 && _keep < elements;
        }

        /// <summary>
        /// 1 for a split trim until pass 0 ends, then the most any model's selection needs (3 when its bracket missed):
        /// the engine reads this again after each pass.
        /// </summary>
        public override int Passes => !_streamedTrim ? 0 : _selections is null ? 1 : _selections.Max(s => s.Passes);

        public override void Observe(int pass, MethodOperands operands)
        {
            _selections ??= [.. Enumerable.Range(0, operands.ModelCount).Select(_ => new BracketedMagnitudeSelection(_keep, _elements))];
            Span<float> delta = operands.Rent().AsSpan(0, operands.Count);
            for (int m = 0; m < operands.ModelCount; m++)
            {
                if (pass >= _selections[m].Passes)
                {
                    continue; // this model's threshold is known already
                }

                _selections[m].ObserveDifference(pass, operands.Model(m), operands.Base, delta);
            }
        }

        public override void EndPass(int pass)
        {
            foreach (BracketedMagnitudeSelection selection in _selections ?? [])
            {
                if (pass < selection.Passes)
                {
                    selection.EndPass(pass);
                }
            }
        }

        public override void Rewind()
        {
            if (_selections is not null)
            {
                _equalToKeep = [.. _selections.Select(s => _keep - s.Above)];
            }
        }

        public override void Evaluate(MethodOperands operands, Span<float> destination)
        {
            int count = operands.Count;
            float[] weights = _weights;
            if (_drop && !_hashed)
            {
                _nameHash = DareMask.NameHash(operands.TensorName);
                _hashed = true;
            }

            if (operands.Device is { } device)
            {
                EvaluateOnDevice(device, operands, weights, destination);
                return;
            }

            if (_trim && _consensus && !_drop && (_streamedTrim || (_keep > 0 && _keep < count)) && operands.ModelCount <= TiesCombine.MaxModels)
            {
                EvaluateTies(operands, weights, destination);
                return;
            }

            var weighted = new float[operands.ModelCount][];
            for (int m = 0; m < operands.ModelCount; m++)
            {
                float[] delta = operands.Rent();
                Span<float> d = delta.AsSpan(0, count);
                MethodKernels.Subtract(operands.Model(m), operands.Base, d);
                if (_streamedTrim)
                {
                    MagnitudeTrim.ApplyThreshold(d, _selections![m].Threshold, ref _equalToKeep![m]);
                }
                else if (_trim)
                {
                    // The whole tensor is here (or the trim keeps all or nothing): select and apply at once.
                    MagnitudeTrim.KeepLargest(d, _keep <= 0 ? 0 : _keep >= count ? count : _keep);
                }

                if (_drop && _parameters.Density < 1)
                {
                    DareMask.DropAndRescale(d, operands.Start, _parameters.Seed, _nameHash, (uint)m, _parameters.Density);
                }

                MethodKernels.Scale(d, weights[m], d);
                weighted[m] = delta;
            }

            Span<float> mixed = operands.Rent().AsSpan(0, count);
            if (_consensus)
            {
                MethodKernels.SignElectedMean(weighted, weights, _parameters.Normalize, mixed);
            }
            else
            {
                mixed.Clear();
                foreach (float[] term in weighted)
                {
                    MethodKernels.AddScaled(mixed, term.AsSpan(0, count), 1f);
                }

                if (_parameters.Normalize)
                {
                    MethodKernels.Divide(mixed, SumDivisor(weights), mixed);
                }
            }

            operands.Base.CopyTo(destination);
            MethodKernels.AddScaled(destination, mixed, (float)_parameters.Lambda);
        }

        /// <summary>
        /// ties on the CPU with a real trim (0 &lt; k &lt; n): each model's threshold, then <see cref="TiesCombine"/> in
        /// one pass over the operands. A whole tensor's thresholds come from its differences scanned as they are
        /// computed (<see cref="MagnitudeTrim.DifferenceThreshold"/>), a split one's from the streamed passes; neither
        /// stores a difference array (the separate kernels wrote and re-read one per model and step).
        /// </summary>
        private void EvaluateTies(MethodOperands operands, float[] weights, Span<float> destination)
        {
            int models = operands.ModelCount;
            Span<uint> thresholds = stackalloc uint[models];
            Span<long> equalToKeep = stackalloc long[models];
            if (_streamedTrim)
            {
                for (int m = 0; m < models; m++)
                {
                    thresholds[m] = _selections![m].Threshold;
                }

                TiesCombine.Apply(operands.Base, operands.ModelArraySpan, thresholds, _equalToKeep!, weights, _parameters.Normalize, (float)_parameters.Lambda, destination);
                return;
            }

            Span<float> scratch = operands.Rent().AsSpan(0, operands.Count); // for a threshold whose sampled bracket missed
            for (int m = 0; m < models; m++)
            {
                thresholds[m] = MagnitudeTrim.DifferenceThreshold(operands.Model(m), operands.Base, _keep, scratch, out long above);
                equalToKeep[m] = _keep - above;
            }

            TiesCombine.Apply(operands.Base, operands.ModelArraySpan, thresholds, equalToKeep, weights, _parameters.Normalize, (float)_parameters.Lambda, destination);
        }

        /// <summary>The weights' f32 sum in order, 1 when it is nearly 0: what the sum without consensus is divided by.</summary>
        private static float SumDivisor(float[] weights)
        {
            float divisor = 0f;
            foreach (float w in weights)
            {
                divisor += w;
            }

            return Math.Abs(divisor) < 1e-8f ? 1f : divisor;
        }

        /// <summary>
        /// The piece on the device: the trims' thresholds are found here on the CPU (the same radix select and counter
        /// as <see cref="MagnitudeTrim.ApplyThreshold"/>), everything elementwise runs there.
        /// </summary>
        private void EvaluateOnDevice(IMethodAccelerator device, MethodOperands operands, float[] weights, Span<float> destination)
        {
            MagnitudeCut[]? trims = null;
            if (_trim)
            {
                trims = new MagnitudeCut[operands.ModelCount];
                for (int m = 0; m < trims.Length; m++)
                {
                    trims[m] = Cut(operands, m);
                }
            }

            DareDrop? drop = _drop && _parameters.Density < 1 ? new DareDrop(operands.Start, _parameters.Seed, _nameHash, _parameters.Density) : null;
            var step = new TaskArithmeticStep(weights, trims, drop, _consensus, _parameters.Normalize, SumDivisor(weights), (float)_parameters.Lambda);
            device.TaskArithmetic(operands.Base, operands.ModelArrays, step, destination);
        }

        /// <summary>Model <paramref name="m"/>'s trim over this piece as a threshold and the end of the kept equal elements.</summary>
        private MagnitudeCut Cut(MethodOperands operands, int m)
        {
            int count = operands.Count;
            if (_streamedTrim)
            {
                uint threshold = _selections![m].Threshold;
                if (_equalToKeep![m] <= 0)
                {
                    return new MagnitudeCut(threshold, 0);
                }

                return new MagnitudeCut(threshold, MagnitudeTrim.KeptEqualEnd(Delta(operands, m), threshold, ref _equalToKeep[m]));
            }

            long keep = _keep <= 0 ? 0 : _keep >= count ? count : _keep;
            if (keep <= 0)
            {
                return new MagnitudeCut(uint.MaxValue, 0);
            }

            if (keep >= count)
            {
                return new MagnitudeCut(0, count);
            }

            // The whole tensor is here: select its threshold as KeepLargest does.
            Span<float> delta = Delta(operands, m);
            uint wholeThreshold = MagnitudeTrim.Threshold(delta, keep, out long above);
            long equalToKeep = keep - above;
            return new MagnitudeCut(wholeThreshold, MagnitudeTrim.KeptEqualEnd(delta, wholeThreshold, ref equalToKeep));
        }

        private static Span<float> Delta(MethodOperands operands, int m)
        {
            Span<float> delta = operands.Rent().AsSpan(0, operands.Count);
            MethodKernels.Subtract(operands.Model(m), operands.Base, delta);
            return delta;
        }
    }
}
