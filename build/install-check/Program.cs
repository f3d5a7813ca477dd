// A new console program that uses FastMerge from its NuGet packages (build/test-install.sh): the same weighted sum
// as `fastmerge merge -a A -b B -o OUT --alpha 0.3`, which must give the same bytes.
using Fast.Merging;
using Fast.Merging.Api;
using Fast.Merging.Recipes;

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: install-check A B OUT");
    return 2;
}

var recipe = new MergeRecipe { A = new MergeInput(args[0]), B = new MergeInput(args[1]), Mode = MergeMode.WeightSum, Alpha = 0.3 };
MergeResult result = FastMerger.Merge(recipe, args[2]);
Console.WriteLine($"merged {result.OutputHashes?.Sha256 ?? args[2]}");
return 0;
