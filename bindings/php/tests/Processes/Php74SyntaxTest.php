<?php

declare(strict_types=1);

namespace PayToken\Tests\Processes;

use PhpParser\Node;
use PhpParser\NodeFinder;
use PhpParser\ParserFactory;
use PHPUnit\Framework\TestCase;

/**
 * The package must run on the PHP 7.4 many shops still have, while the tests run on PHP 8.
 * This parses every shipped file and refuses the syntax and functions PHP 7.4 lacks.
 */
final class Php74SyntaxTest extends TestCase
{
    /** Functions added in PHP 8.x that 7.4 code must not call. */
    private const PHP8_FUNCTIONS = ['str_contains', 'str_starts_with', 'str_ends_with', 'get_debug_type',
        'array_is_list', 'fdiv', 'get_resource_id', 'preg_last_error_msg', 'enum_exists', 'array_find'];

    /** @return array<string, array{0: string}> */
    public function shippedFiles(): array
    {
        $root = \dirname(__DIR__, 2);
        $files = [$root . '/autoload.php', $root . '/preload.php', $root . '/bin/paytoken-preload-header', $root . '/examples/demo.php'];
        // The Laravel package (laravel/) promises PHP 7.4 too.
        foreach (['/src', '/laravel/src', '/laravel/config'] as $dir) {
            $iterator = new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator($root . $dir, \FilesystemIterator::SKIP_DOTS));
            foreach ($iterator as $file) {
                $files[] = $file->getPathname();
            }
        }
        $cases = [];
        foreach ($files as $file) {
            $cases[substr($file, \strlen($root) + 1)] = [$file];
        }
        return $cases;
    }

    /** @dataProvider shippedFiles */
    public function testUsesOnlyPhp74Syntax(string $file): void
    {
        if (!\is_file('/usr/share/php/PhpParser/autoload.php')) {
            self::markTestSkipped('needs php-parser (Debian package php-parser, pulled by phpunit)');
        }
        require_once '/usr/share/php/PhpParser/autoload.php';
        $code = (string) file_get_contents($file);
        $code = preg_replace('/\A#![^\n]*\n/', '', $code); // a script's shebang line
        $lexer = new \PhpParser\Lexer(['usedAttributes' => ['comments', 'startLine', 'endLine', 'startFilePos', 'endFilePos']]);
        $parser = (new ParserFactory())->create(ParserFactory::ONLY_PHP7, $lexer);
        $ast = $parser->parse((string) $code);
        self::assertNotNull($ast);

        $problems = [];
        foreach ((new NodeFinder())->find($ast, static function (Node $node): bool {
            return true;
        }) as $node) {
            $problem = self::php8Only($node, (string) $code);
            if ($problem !== null) {
                $problems[] = "line {$node->getStartLine()}: $problem";
            }
        }
        self::assertSame([], $problems);
    }

    private static function php8Only(Node $node, string $code): ?string
    {
        if ($node instanceof Node\Expr\Match_) {
            return 'match';
        }
        if ($node instanceof Node\Stmt\Enum_) {
            return 'enum';
        }
        if ($node instanceof Node\Expr\NullsafeMethodCall || $node instanceof Node\Expr\NullsafePropertyFetch) {
            return 'nullsafe operator';
        }
        if ($node instanceof Node\Expr\Throw_) {
            return 'throw as an expression';
        }
        if ($node instanceof Node\UnionType || $node instanceof Node\IntersectionType) {
            return 'union/intersection type';
        }
        if ($node instanceof Node\Identifier && \in_array($node->toLowerString(), ['mixed', 'never'], true)) {
            return $node->toLowerString() . ' type';
        }
        if ($node instanceof Node\Param && $node->flags !== 0) {
            return 'constructor promotion';
        }
        // (An older php-parser, as Debian 11's next to PHP 7.4, has no readonly: nothing to find.)
        if (($node instanceof Node\Stmt\Property || $node instanceof Node\Stmt\ClassMethod)
            && \defined(Node\Stmt\Class_::class . '::MODIFIER_READONLY') && ($node->flags & Node\Stmt\Class_::MODIFIER_READONLY) !== 0) {
            return 'readonly';
        }
        if ($node instanceof Node\Arg && $node->name !== null) {
            return 'named argument';
        }
        if ($node instanceof Node\Stmt\Catch_ && $node->var === null) {
            return 'catch without a variable';
        }
        if ($node instanceof Node\Expr\FuncCall && $node->name instanceof Node\Name
            && \in_array(strtolower($node->name->getLast()), self::PHP8_FUNCTIONS, true)) {
            return $node->name->toString() . '()';
        }
        if ($node instanceof Node\AttributeGroup) {
            // PHP 7.4 reads "#[" as a comment up to the end of the line: the attribute must
            // be alone on its line, or code after it would vanish.
            $end = (int) $node->getAttribute('endFilePos');
            $newline = strpos($code, "\n", $end);
            $rest = substr($code, $end + 1, ($newline === false ? \strlen($code) : $newline) - $end - 1);
            if (trim($rest) !== '') {
                return 'an attribute followed by code on its line';
            }
        }
        if (($node instanceof Node\FunctionLike) && $node->getParams() !== []) {
            // A trailing comma after the last parameter is PHP 8.0.
            $last = end($node->params);
            $after = substr($code, (int) $last->getAttribute('endFilePos') + 1, 40);
            if (preg_match('/\A\s*,/', $after) === 1) {
                return 'trailing comma in a parameter list';
            }
        }
        return null;
    }
}
