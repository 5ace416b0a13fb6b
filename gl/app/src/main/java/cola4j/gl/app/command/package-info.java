/**
 * The subcommand contract shared by cli and bench: {@link Command}, CommandGroup, Args, UsageException.
 * Guarantees: an absent option gives its default; a bad value is a usage error naming the option and the value.
 * ArgsAndJsonTest (typedValuesAndDefaults, badValuesNameTheOption), MainTest.
 */
package cola4j.gl.app.command;
