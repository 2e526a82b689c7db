// YARP as its documentation's first example has it: Kestrel, routing and the proxy, nothing else. The
// replicas come from the command line (ReverseProxy:Clusters:replicas:Destinations:*:Address).
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));
var app = builder.Build();
app.MapReverseProxy();
app.Run();
