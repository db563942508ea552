package marketplace.esnode;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.charfilter.HTMLStripCharFilter;
import org.apache.lucene.analysis.core.FlattenGraphFilter;
import org.apache.lucene.analysis.core.KeywordTokenizer;
import org.apache.lucene.analysis.core.WhitespaceTokenizer;
import org.apache.lucene.analysis.el.GreekLowerCaseFilter;
import org.apache.lucene.analysis.en.EnglishMinimalStemFilter;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.KStemFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.fr.FrenchLightStemFilter;
import org.apache.lucene.analysis.fr.FrenchMinimalStemFilter;
import org.apache.lucene.analysis.ga.IrishLowerCaseFilter;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.miscellaneous.TrimFilter;
import org.apache.lucene.analysis.ngram.EdgeNGramTokenFilter;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.apache.lucene.analysis.synonym.SolrSynonymParser;
import org.apache.lucene.analysis.synonym.SynonymFilter;
import org.apache.lucene.analysis.synonym.SynonymGraphFilter;
import org.apache.lucene.analysis.synonym.SynonymMap;
import org.apache.lucene.analysis.tr.TurkishLowerCaseFilter;
import org.apache.lucene.analysis.util.ElisionFilter;
import org.apache.lucene.util.CharsRef;
import org.apache.lucene.util.CharsRefBuilder;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.index.IndexService.IndexCreationContext;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.analysis.AbstractCharFilterFactory;
import org.elasticsearch.index.analysis.AbstractTokenFilterFactory;
import org.elasticsearch.index.analysis.AbstractTokenizerFactory;
import org.elasticsearch.index.analysis.Analysis;
import org.elasticsearch.index.analysis.AnalysisMode;
import org.elasticsearch.index.analysis.CharFilterFactory;
import org.elasticsearch.index.analysis.CustomAnalyzer;
import org.elasticsearch.index.analysis.NormalizingTokenFilterFactory;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;
import org.tartarus.snowball.SnowballStemmer;
import org.tartarus.snowball.ext.DutchStemmer;
import org.tartarus.snowball.ext.EnglishStemmer;
import org.tartarus.snowball.ext.FrenchStemmer;
import org.tartarus.snowball.ext.GermanStemmer;
import org.tartarus.snowball.ext.ItalianStemmer;
import org.tartarus.snowball.ext.PortugueseStemmer;
import org.tartarus.snowball.ext.SpanishStemmer;

/**
 * The part of Elasticsearch's analysis-common module that this project's analysers use.
 *
 * <p>Maven Central carries the Elasticsearch server and its transport-netty4 module, but not the
 * distribution's analysis-common module, and the server alone only knows the standard tokenizer
 * and the stop, shingle and hunspell filters. This plugin registers, under the same type names and
 * with the same main options, the components the marketplace uses, each built on Lucene's own
 * analysis classes (lucene-analysis-common ships with the server):
 *
 * <ul>
 *   <li>token filters: {@code lowercase} (language), {@code asciifolding} (preserve_original),
 *       {@code elision} (articles, articles_path, articles_case), {@code stemmer} (language or name),
 *       {@code synonym} and {@code synonym_graph} (synonyms, synonyms_path, expand, lenient; Solr
 *       format), {@code edge_ngram} (min_gram, max_gram, preserve_original), {@code trim},
 *       {@code flatten_graph};</li>
 *   <li>tokenizers: {@code keyword} (buffer_size), {@code whitespace} (max_token_length);</li>
 *   <li>char filter: {@code html_strip} (escaped_tags).</li>
 * </ul>
 *
 * An index that names any other analysis-common type fails to be created with Elasticsearch's
 * usual "Unknown filter type" error, so a gap shows up at once in the tests.
 */
public final class AnalysisSubsetPlugin extends Plugin implements AnalysisPlugin {

    private static final Logger logger = LogManager.getLogger(AnalysisSubsetPlugin.class);

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        Map<String, AnalysisProvider<TokenFilterFactory>> filters = new TreeMap<>();
        filters.put("lowercase", LowercaseFilterFactory::new);
        filters.put("asciifolding", AsciiFoldingFilterFactory::new);
        filters.put("elision", AnalysisPlugin.requiresAnalysisSettings(ElisionFilterFactory::new));
        filters.put("stemmer", StemmerFilterFactory::new);
        filters.put("synonym", AnalysisPlugin.requiresAnalysisSettings((is, env, name, s) -> new SynonymFilterFactory(env, name, s, false)));
        filters.put(
            "synonym_graph",
            AnalysisPlugin.requiresAnalysisSettings((is, env, name, s) -> new SynonymFilterFactory(env, name, s, true))
        );
        filters.put("edge_ngram", EdgeNGramFilterFactory::new);
        filters.put("trim", TrimFilterFactory::new);
        filters.put("flatten_graph", FlattenGraphFilterFactory::new);
        return filters;
    }

    @Override
    public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
        Map<String, AnalysisProvider<TokenizerFactory>> tokenizers = new TreeMap<>();
        tokenizers.put("keyword", KeywordTokenizerFactory::new);
        tokenizers.put("whitespace", WhitespaceTokenizerFactory::new);
        return tokenizers;
    }

    @Override
    public Map<String, AnalysisProvider<CharFilterFactory>> getCharFilters() {
        return Map.of("html_strip", HtmlStripCharFilterFactory::new);
    }

    // ---- token filters ----------------------------------------------------------------------

    static final class LowercaseFilterFactory extends AbstractTokenFilterFactory implements NormalizingTokenFilterFactory {
        private final Function<TokenStream, TokenStream> filter;

        LowercaseFilterFactory(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name, settings);
            String language = settings.get("language");
            if (language == null) {
                filter = LowerCaseFilter::new;
            } else {
                filter = switch (language) {
                    case "greek" -> GreekLowerCaseFilter::new;
                    case "irish" -> IrishLowerCaseFilter::new;
                    case "turkish" -> TurkishLowerCaseFilter::new;
                    default -> throw new IllegalArgumentException("language [" + language + "] not supported for lowercase filter [" + name + "]");
                };
            }
        }

        @Override
        public TokenStream create(TokenStream tokenStream) {
            return filter.apply(tokenStream);
        }
    }

    static final class AsciiFoldingFilterFactory extends AbstractTokenFilterFactory implements NormalizingTokenFilterFactory {
        private final boolean preserveOriginal;

        AsciiFoldingFilterFactory(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name, settings);
            preserveOriginal = settings.getAsBoolean("preserve_original", false);
        }

        @Override
        public TokenStream create(TokenStream tokenStream) {
            return new ASCIIFoldingFilter(tokenStream, preserveOriginal);
        }

        @Override
        public TokenStream normalize(TokenStream tokenStream) {
            // A normalised keyword is one token: keep only the folded form.
            return new ASCIIFoldingFilter(tokenStream, false);
        }

        @Override
        public TokenFilterFactory getSynonymFilter() {
            return preserveOriginal ? IDENTITY_FILTER : this;
        }
    }

    static final class ElisionFilterFactory extends AbstractTokenFilterFactory implements NormalizingTokenFilterFactory {
        private final CharArraySet articles;

        ElisionFilterFactory(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name, settings);
            // Reads "articles" or "articles_path", and "articles_case".
            articles = Analysis.parseArticles(env, settings);
            if (articles == null) {
                throw new IllegalArgumentException("elision filter requires [articles] or [articles_path] setting");
            }
        }

        @Override
        public TokenStream create(TokenStream tokenStream) {
            return new ElisionFilter(tokenStream, articles);
        }
    }

    static final class StemmerFilterFactory extends AbstractTokenFilterFactory {
        private final Function<TokenStream, TokenStream> stemmer;

        StemmerFilterFactory(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name, settings);
            String language = settings.get("language", settings.get("name", "porter"));
            stemmer = switch (language) {
                case "light_french" -> FrenchLightStemFilter::new;
                case "minimal_french" -> FrenchMinimalStemFilter::new;
                case "french" -> ts -> new SnowballFilter(ts, new FrenchStemmer());
                case "english", "porter" -> PorterStemFilter::new;
                case "light_english", "kstem" -> KStemFilter::new;
                case "minimal_english" -> EnglishMinimalStemFilter::new;
                case "possessive_english" -> EnglishPossessiveFilter::new;
                case "porter2" -> ts -> new SnowballFilter(ts, new EnglishStemmer());
                case "german" -> snowball(GermanStemmer::new);
                case "spanish" -> snowball(SpanishStemmer::new);
                case "italian" -> snowball(ItalianStemmer::new);
                case "portuguese" -> snowball(PortugueseStemmer::new);
                case "dutch" -> snowball(DutchStemmer::new);
                default -> throw new IllegalArgumentException(
                    "stemmer language [" + language + "] is not available on the marketplace test node (filter [" + name + "])"
                );
            };
        }

        private static Function<TokenStream, TokenStream> snowball(java.util.function.Supplier<SnowballStemmer> stemmer) {
            return ts -> new SnowballFilter(ts, stemmer.get());
        }

        @Override
        public TokenStream create(TokenStream tokenStream) {
            return stemmer.apply(tokenStream);
        }
    }

    /**
     * {@code synonym} and {@code synonym_graph}. The rules are analysed with the analyser's own
     * char filters, tokenizer and the filters that come before this one, as Elasticsearch does.
     */
    static final class SynonymFilterFactory extends AbstractTokenFilterFactory {
        private final Environment env;
        private final Settings settings;
        private final boolean graph;
        private final boolean expand;
        private final boolean lenient;

        SynonymFilterFactory(Environment env, String name, Settings settings, boolean graph) {
            super(name, settings);
            this.env = env;
            this.settings = settings;
            this.graph = graph;
            this.expand = settings.getAsBoolean("expand", true);
            this.lenient = settings.getAsBoolean("lenient", false);
            String format = settings.get("format", "solr");
            if (format.equals("solr") == false) {
                throw new IllegalArgumentException("synonym format [" + format + "] is not available on the marketplace test node");
            }
            if (settings.getAsBoolean("updateable", false)) {
                throw new IllegalArgumentException("updateable synonyms are not available on the marketplace test node");
            }
            if (settings.get("synonyms_set") != null) {
                throw new IllegalArgumentException("synonyms_set is not available on the marketplace test node");
            }
        }

        @Override
        public TokenStream create(TokenStream tokenStream) {
            throw new IllegalStateException("synonym filter [" + name() + "] is only usable inside an analyser chain");
        }

        @Override
        public TokenFilterFactory getChainAwareTokenFilterFactory(
            IndexCreationContext context,
            TokenizerFactory tokenizer,
            List<CharFilterFactory> charFilters,
            List<TokenFilterFactory> previousTokenFilters,
            Function<String, TokenFilterFactory> allFilters
        ) {
            Analyzer ruleAnalyzer = new CustomAnalyzer(
                tokenizer,
                charFilters.toArray(new CharFilterFactory[0]),
                previousTokenFilters.stream().map(TokenFilterFactory::getSynonymFilter).toArray(TokenFilterFactory[]::new)
            );
            SynonymMap synonyms = buildSynonyms(ruleAnalyzer);
            String filterName = name();
            boolean isGraph = graph;
            return new TokenFilterFactory() {
                @Override
                public String name() {
                    return filterName;
                }

                @Override
                @SuppressWarnings("deprecation")
                public TokenStream create(TokenStream tokenStream) {
                    if (synonyms.fst == null) {
                        return tokenStream;
                    }
                    return isGraph ? new SynonymGraphFilter(tokenStream, synonyms, false) : new SynonymFilter(tokenStream, synonyms, false);
                }

                @Override
                public TokenFilterFactory getSynonymFilter() {
                    // A synonym filter earlier in the chain does not rewrite a later filter's rules.
                    return IDENTITY_FILTER;
                }

                @Override
                public AnalysisMode getAnalysisMode() {
                    return AnalysisMode.ALL;
                }
            };
        }

        private SynonymMap buildSynonyms(Analyzer ruleAnalyzer) {
            List<String> rules = Analysis.getWordList(env, settings, "synonyms_path", "synonyms", true);
            if (rules == null) {
                throw new IllegalArgumentException("synonym requires either `synonyms` or `synonyms_path` to be configured");
            }
            LenientSolrSynonymParser parser = new LenientSolrSynonymParser(expand, lenient, ruleAnalyzer, name());
            try (Reader reader = new StringReader(String.join("\n", rules))) {
                parser.parse(reader);
                return parser.build();
            } catch (IOException | ParseException e) {
                throw new IllegalArgumentException("failed to build synonyms for filter [" + name() + "]: " + e.getMessage(), e);
            }
        }
    }

    /** Solr-format rules; with {@code lenient}, a rule whose terms analyse to nothing is skipped. */
    static final class LenientSolrSynonymParser extends SolrSynonymParser {
        private final boolean lenient;
        private final String filterName;

        LenientSolrSynonymParser(boolean expand, boolean lenient, Analyzer analyzer, String filterName) {
            super(true, expand, analyzer);
            this.lenient = lenient;
            this.filterName = filterName;
        }

        @Override
        public void add(CharsRef input, CharsRef output, boolean includeOrig) {
            if (lenient == false || (input.length > 0 && output.length > 0)) {
                super.add(input, output, includeOrig);
            }
        }

        @Override
        public CharsRef analyze(String text, CharsRefBuilder reuse) throws IOException {
            try {
                return super.analyze(text, reuse);
            } catch (IllegalArgumentException e) {
                if (lenient == false) {
                    throw e;
                }
                logger.info("synonym filter [{}] ignored the rule term [{}]: {}", filterName, text, e.getMessage());
                reuse.clear();
                return reuse.get();
            }
        }
    }

    static final class EdgeNGramFilterFactory extends AbstractTokenFilterFactory {
        private final int minGram;
        private final int maxGram;
        private final boolean preserveOriginal;

        EdgeNGramFilterFactory(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name, settings);
            minGram = settings.getAsInt("min_gram", 1);
            maxGram = settings.getAsInt("max_gram", 2);
            preserveOriginal = settings.getAsBoolean("preserve_original", false);
        }

        @Override
        public TokenStream create(TokenStream tokenStream) {
            return new EdgeNGramTokenFilter(tokenStream, minGram, maxGram, preserveOriginal);
        }

        @Override
        public TokenFilterFactory getSynonymFilter() {
            throw new IllegalArgumentException("Token filter [" + name() + "] cannot be used to parse synonyms");
        }
    }

    static final class TrimFilterFactory extends AbstractTokenFilterFactory implements NormalizingTokenFilterFactory {
        TrimFilterFactory(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name, settings);
        }

        @Override
        public TokenStream create(TokenStream tokenStream) {
            return new TrimFilter(tokenStream);
        }
    }

    static final class FlattenGraphFilterFactory extends AbstractTokenFilterFactory {
        FlattenGraphFilterFactory(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name, settings);
        }

        @Override
        public TokenStream create(TokenStream tokenStream) {
            return new FlattenGraphFilter(tokenStream);
        }
    }

    // ---- tokenizers -------------------------------------------------------------------------

    static final class KeywordTokenizerFactory extends AbstractTokenizerFactory {
        private final int bufferSize;

        KeywordTokenizerFactory(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(indexSettings, settings, name);
            bufferSize = settings.getAsInt("buffer_size", 256);
        }

        @Override
        public Tokenizer create() {
            return new KeywordTokenizer(bufferSize);
        }
    }

    static final class WhitespaceTokenizerFactory extends AbstractTokenizerFactory {
        private final int maxTokenLength;

        WhitespaceTokenizerFactory(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(indexSettings, settings, name);
            maxTokenLength = settings.getAsInt("max_token_length", 255);
        }

        @Override
        public Tokenizer create() {
            return new WhitespaceTokenizer(TokenStream.DEFAULT_TOKEN_ATTRIBUTE_FACTORY, maxTokenLength);
        }
    }

    // ---- char filters -----------------------------------------------------------------------

    static final class HtmlStripCharFilterFactory extends AbstractCharFilterFactory {
        private final Set<String> escapedTags;

        HtmlStripCharFilterFactory(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name);
            escapedTags = Set.copyOf(settings.getAsList("escaped_tags"));
        }

        @Override
        public Reader create(Reader reader) {
            return new HTMLStripCharFilter(reader, escapedTags.isEmpty() ? null : escapedTags);
        }
    }
}
