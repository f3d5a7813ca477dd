using System.Globalization;
using System.Text;

namespace Fast.Merging.Recipes;

/// <summary>
/// Writes JSON byte-for-byte as Python's <c>json.dumps</c> with default arguments does (separators <c>", "</c> and
/// <c>": "</c>, ASCII only with <c>\uXXXX</c> escapes, floats in <c>repr</c> form such as <c>1.0</c> and <c>1e-05</c>), so
/// metadata values look exactly like those A1111 and supermerger write.
/// </summary>
internal sealed class PythonJsonWriter
{
    private readonly StringBuilder _text = new();
    // Per open container: whether it already holds an item (so the next one needs ", ").
    private readonly Stack<bool> _hasItems = new();
    private bool _afterName;

    public void BeginObject() => Open('{');

    public void EndObject() => Close('}');

    public void BeginArray() => Open('[');

    public void EndArray() => Close(']');

    public void Name(string name)
    {
        Separator();
        WriteString(name);
        _text.Append(": ");
        _afterName = true;
    }

    public void String(string? value)
    {
        if (value is null)
        {
            Null();
            return;
        }

        Separator();
        WriteString(value);
    }

    public void Number(double value)
    {
        Separator();
        _text.Append(FloatRepr(value));
    }

    public void Integer(long value)
    {
        Separator();
        _text.Append(value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public void Boolean(bool value)
    {
        Separator();
        _text.Append(value ? "true" : "false");
    }

    public void Null()
    {
        Separator();
        _text.Append("null");
    }

    public override string ToString() => _text.ToString();

    /// <summary>Python's <c>repr(float)</c>: shortest round-trip digits, fixed notation for exponents -4..15, else <c>d.ddde±XX</c>.</summary>
    internal static string FloatRepr(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }

        var sign = double.IsNegative(value) ? "-" : string.Empty;
        if (value == 0)
        {
            return sign + "0.0";
        }

        // "R" gives the shortest round-trip digits, e.g. "1E-05", "0.0001", "1.5E+16", "123.25".
        var r = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var e = r.IndexOf('E', StringComparison.Ordinal);
        var exponent = e < 0 ? 0 : int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = e < 0 ? r : r[..e];
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = dot < 0 ? mantissa : mantissa.Remove(dot, 1);
        var point = (dot < 0 ? mantissa.Length : dot) + exponent;
        var leading = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        point -= leading;

        var scientific = point - 1;
        if (scientific is >= -4 and < 16)
        {
            if (point <= 0)
            {
                return sign + "0." + new string('0', -point) + digits;
            }

            return point >= digits.Length
                ? sign + digits + new string('0', point - digits.Length) + ".0"
                : sign + digits[..point] + "." + digits[point..];
        }

        var body = digits.Length > 1 ? digits[0] + "." + digits[1..] : digits;
        return sign + body + "e" + (scientific < 0 ? "-" : "+") + Math.Abs(scientific).ToString("00", CultureInfo.InvariantCulture);
    }

    private void Open(char bracket)
    {
        Separator();
        _text.Append(bracket);
        _hasItems.Push(false);
    }

    private void Close(char bracket)
    {
        _hasItems.Pop();
        _text.Append(bracket);
    }

    private void Separator()
    {
        if (_afterName)
        {
            _afterName = false;
            return;
        }

        if (_hasItems.Count == 0)
        {
            return;
        }

        if (_hasItems.Pop())
        {
            _text.Append(", ");
        }

        _hasItems.Push(true);
    }

    private void WriteString(string value)
    {
        _text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': _text.Append("\\\""); break;
                case '\\': _text.Append("\\\\"); break;
                case '\n': _text.Append("\\n"); break;
                case '\r': _text.Append("\\r"); break;
                case '\t': _text.Append("\\t"); break;
                case '\b': _text.Append("\\b"); break;
                case '\f': _text.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7E)
                    {
                        _text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        _text.Append(c);
                    }

                    break;
            }
        }

        _text.Append('"');
    }
}
