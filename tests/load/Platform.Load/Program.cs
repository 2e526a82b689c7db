// `./platform bench [SCENARIO] [--short]`: see README.md, "Load and fault scenarios".
Console.WriteLine("usage: ./platform bench SCENARIO [--short]");
return 64;
