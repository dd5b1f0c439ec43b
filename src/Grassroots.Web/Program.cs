using Grassroots.Web;

var builder = WebApplication.CreateBuilder(args);
builder.AddGrassroots();
var app = builder.Build();
await app.InitialiseGrassrootsAsync();
app.UseGrassroots();
app.Run();

/// <summary>The entry point, visible to the HTTP tests' <c>WebApplicationFactory</c>.</summary>
public partial class Program;
