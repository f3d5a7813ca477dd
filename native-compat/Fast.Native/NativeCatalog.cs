using System.Buffers;
using System.Text.Json;
using Fast.Merging.Blocks;
using Fast.Merging.Methods;
using Fast.Merging.Recipes;

namespace Fast.Native;

/// <summary>
/// <c>fm_catalog_json</c>: the names a merge request accepts, from the library's own catalogs, so a binding or a host
/// integration lists exactly what this build of the library runs (no copy of the lists to drift):
/// <code>{"modes": ["ws", ...], "calcmodes": ["normal", ..., "self", "plus random"], "calcmode_aliases": {"smoothAdd MT": "smoothAdd"},
///  "seeded_calcmodes": ["plus random"], "presets": ["GRAD_V", ...], "dtypes": ["keep", ...], "recipe_parameters": ["mode", ...]}</code>
/// </summary>
internal static class NativeCatalog
{
    public static string Json()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            Strings(w, "modes", MergeModeCatalog.All.Select(e => e.ShortName));
            Strings(w, "calcmodes", CalcModeCatalog.All.Select(e => e.Name));
            w.WriteStartObject("calcmode_aliases");
            foreach (CalcModeEntry entry in CalcModeCatalog.All)
            {
                foreach (string alias in entry.OtherNames)
                {
                    w.WriteString(alias, entry.Name);
                }
            }

            w.WriteEndObject();
            Strings(w, "seeded_calcmodes", CalcModeCatalog.All.Where(e => e.DrawsRandom).Select(e => e.Name));
            Strings(w, "presets", BlockWeightPresets.Names);
            Strings(w, "dtypes", OutputDTypes.Names);
            Strings(w, "recipe_parameters", RecipeMembers.Names);
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (string value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }
}
