using System.Globalization;

namespace Fast.Cli.CommandLine;

/// <summary>
/// Reads <c>--flag value</c>, <c>--flag=value</c>, <c>-x value</c> and positional arguments.
/// Every option a command accepts is declared when it is read, and <see cref="EnsureAllConsumed"/>
/// rejects anything left over, so a typo never silently falls back to a default.
/// </summary>
internal sealed class ArgumentReader
{
    private readonly List<string> _positionals = [];
    private readonly List<(string Name, string? Value)> _options = [];
    private readonly HashSet<int> _consumed = [];
    private readonly HashSet<int> _missingValue = [];
    private readonly string _command;

    public ArgumentReader(string command, IReadOnlyList<string> args, IReadOnlySet<string> switches)
    {
        _command = command;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg == "--")
            {
                _positionals.AddRange(args.Skip(i + 1));
                break;
            }

            if (arg.Length > 1 && arg[0] == '-' && !IsNumber(arg))
            {
                int eq = arg.IndexOf('=', StringComparison.Ordinal);
                string name = eq > 0 ? arg[..eq] : arg;
                if (eq > 0)
                {
                    _options.Add((name, arg[(eq + 1)..]));
                }
                else if (switches.Contains(name))
                {
                    _options.Add((name, null));
                }
                else
                {
                    if (i + 1 >= args.Count)
                    {
                        // Reported when the option is read: an unknown trailing flag should say "unknown option".
                        _missingValue.Add(_options.Count);
                        _options.Add((name, null));
                    }
                    else
                    {
                        _options.Add((name, args[++i]));
                    }
                }
            }
            else
            {
                _positionals.Add(arg);
            }
        }
    }

    public IReadOnlyList<string> Positionals => _positionals;

    /// <summary>True when the switch (a flag without value) was given.</summary>
    public bool Flag(string name, string? alias = null)
    {
        bool found = false;
        for (int i = 0; i < _options.Count; i++)
        {
            if (_options[i].Name == name || _options[i].Name == alias)
            {
                if (_options[i].Value is not null && !_missingValue.Contains(i))
                {
                    throw new UsageException($"{_command}: {name} takes no value");
                }

                _consumed.Add(i);
                found = true;
            }
        }

        return found;
    }

    /// <summary>The last value given for the option, or null.</summary>
    public string? Value(string name, string? alias = null)
    {
        string? value = null;
        for (int i = 0; i < _options.Count; i++)
        {
            if (_options[i].Name == name || _options[i].Name == alias)
            {
                if (_missingValue.Contains(i))
                {
                    throw new UsageException($"{_command}: option {name} needs a value");
                }

                _consumed.Add(i);
                value = _options[i].Value;
            }
        }

        return value;
    }

    /// <summary>Every value given for a repeatable option, in order (empty when absent).</summary>
    public IReadOnlyList<string> Values(string name, string? alias = null)
    {
        var values = new List<string>();
        for (int i = 0; i < _options.Count; i++)
        {
            if (_options[i].Name == name || _options[i].Name == alias)
            {
                if (_missingValue.Contains(i))
                {
                    throw new UsageException($"{_command}: option {name} needs a value");
                }

                _consumed.Add(i);
                values.Add(_options[i].Value!);
            }
        }

        return values;
    }

    public string Required(string name, string? alias = null) =>
        Value(name, alias) ?? throw new UsageException($"{_command}: {name} is required");

    public int Int(string name, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        string? text = Value(name);
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
        {
            throw new UsageException($"{_command}: {name} must be an integer in [{min}, {max}], got '{text}'");
        }

        return value;
    }

    public ulong UInt64(string name, ulong fallback)
    {
        string? text = Value(name);
        if (text is null)
        {
            return fallback;
        }

        return ulong.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong value)
            ? value
            : throw new UsageException($"{_command}: {name} must be a non-negative integer, got '{text}'");
    }

    public double Double(string name, double fallback)
    {
        string? text = Value(name);
        if (text is null)
        {
            return fallback;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
            ? value
            : throw new UsageException($"{_command}: {name} must be a number, got '{text}'");
    }

    public T Choice<T>(string name, T fallback, IReadOnlyDictionary<string, T> choices)
    {
        string? text = Value(name);
        if (text is null)
        {
            return fallback;
        }

        return choices.TryGetValue(text, out T? value)
            ? value
            : throw new UsageException($"{_command}: {name} must be one of {string.Join('|', choices.Keys)}, got '{text}'");
    }

    /// <summary>Rejects options nobody asked for and more positionals than the command takes.</summary>
    public void EnsureAllConsumed(int maxPositionals)
    {
        for (int i = 0; i < _options.Count; i++)
        {
            if (!_consumed.Contains(i))
            {
                throw new UsageException($"{_command}: unknown option {_options[i].Name}");
            }
        }

        if (_positionals.Count > maxPositionals)
        {
            throw new UsageException($"{_command}: unexpected argument '{_positionals[maxPositionals]}'");
        }
    }

    private static bool IsNumber(string arg) =>
        double.TryParse(arg, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
}
