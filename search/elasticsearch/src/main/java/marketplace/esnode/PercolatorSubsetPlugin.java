package marketplace.esnode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

import org.apache.lucene.analysis.core.KeywordAnalyzer;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PrefixCodedTerms;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.index.memory.MemoryIndex;
import org.apache.lucene.sandbox.search.CoveringQuery;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.ConstantScoreQuery;
import org.apache.lucene.search.ConstantScoreScorer;
import org.apache.lucene.search.ConstantScoreWeight;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.FieldExistsQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.IndexOrDocValuesQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.LongValuesSource;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.SynonymQuery;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TwoPhaseIterator;
import org.apache.lucene.search.Weight;
import org.apache.lucene.store.ByteArrayDataInput;
import org.apache.lucene.store.ByteBuffersDataOutput;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.BytesRefBuilder;
import org.elasticsearch.TransportVersion;
import org.elasticsearch.TransportVersions;
import org.elasticsearch.common.ParsingException;
import org.elasticsearch.common.Strings;
import org.elasticsearch.common.bytes.BytesReference;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.index.analysis.AnalyzerScope;
import org.elasticsearch.index.analysis.NamedAnalyzer;
import org.elasticsearch.index.mapper.DocumentParserContext;
import org.elasticsearch.index.mapper.FieldMapper;
import org.elasticsearch.index.mapper.MappedFieldType;
import org.elasticsearch.index.mapper.Mapper;
import org.elasticsearch.index.mapper.MapperBuilderContext;
import org.elasticsearch.index.mapper.ParsedDocument;
import org.elasticsearch.index.mapper.SourceToParse;
import org.elasticsearch.index.mapper.SourceValueFetcher;
import org.elasticsearch.index.mapper.TextSearchInfo;
import org.elasticsearch.index.mapper.ValueFetcher;
import org.elasticsearch.index.query.AbstractQueryBuilder;
import org.elasticsearch.index.query.BoolQueryBuilder;
import org.elasticsearch.index.query.ExistsQueryBuilder;
import org.elasticsearch.index.query.MatchAllQueryBuilder;
import org.elasticsearch.index.query.MatchQueryBuilder;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.QueryShardException;
import org.elasticsearch.index.query.SearchExecutionContext;
import org.elasticsearch.index.query.TermQueryBuilder;
import org.elasticsearch.index.query.TermsQueryBuilder;
import org.elasticsearch.plugins.MapperPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.plugins.SearchPlugin;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentFactory;
import org.elasticsearch.xcontent.XContentParser;
import org.elasticsearch.xcontent.XContentType;

/**
 * A subset of Elasticsearch's percolator: a {@code percolator} field type and a {@code percolate} query.
 *
 * <p>Maven Central has no 8.x percolator module, so this test node brings its own, written on the
 * server's and Lucene's public APIs. Stored queries may use {@code bool} (must, filter, should,
 * must_not, minimum_should_match), {@code term}, {@code terms} (inline values), {@code match},
 * {@code exists} and {@code match_all}, on fields mapped in the index; any other query type is
 * refused when the query is stored ("query type [x] is not supported"). The query is
 * {@code {"percolate": {"field": "query", "document": {...}}}} (one inline document only).
 *
 * <p>How it stays fast with many stored queries (the approach of the real percolator): when a query
 * is stored, the terms a matching document must contain are extracted from its Lucene form and
 * indexed in {@code <field>.extracted_terms}, with the least number of them a match needs in
 * {@code <field>.minimum_should_match}; queries whose terms can't be known (exists, match_all,
 * only must_not…) are flagged in {@code <field>.extraction}. A percolation parses the document with
 * the index's mapping into a Lucene MemoryIndex, selects candidates with a CoveringQuery over the
 * document's terms (plus the flagged queries), and confirms each candidate: queries made only of
 * term sets, exists and bool are decided on the document's terms from a compact formula stored in
 * {@code <field>.formula}; the others run their stored query (kept as JSON in
 * {@code <field>.query_source} doc values) against the one-document MemoryIndex.
 */
public final class PercolatorSubsetPlugin extends Plugin implements MapperPlugin, SearchPlugin {

    static final String CONTENT_TYPE = "percolator";

    @Override
    public Map<String, Mapper.TypeParser> getMappers() {
        return Map.of(
            CONTENT_TYPE,
            new FieldMapper.TypeParser((name, parserContext) -> new PercolatorFieldMapper.Builder(name, parserContext.searchExecutionContext()))
        );
    }

    @Override
    public List<QuerySpec<?>> getQueries() {
        return List.of(new QuerySpec<>(PercolateQueryBuilder.NAME, PercolateQueryBuilder::new, PercolateQueryBuilder::fromXContent));
    }

    // ---- the field ---------------------------------------------------------------------------

    static String termsField(String field) {
        return field + ".extracted_terms";
    }

    static String msmField(String field) {
        return field + ".minimum_should_match";
    }

    static String extractionField(String field) {
        return field + ".extraction";
    }

    static String sourceField(String field) {
        return field + ".query_source";
    }

    static String formulaField(String field) {
        return field + ".formula";
    }

    static final String UNEXTRACTABLE = "unextractable";

    /** "field\0term": one indexed term per (field, term) a stored query needs. */
    static BytesRef encode(String field, BytesRef term) {
        BytesRefBuilder b = new BytesRefBuilder();
        b.append(new BytesRef(field));
        b.append((byte) 0);
        b.append(term);
        return b.toBytesRef();
    }

    static final class PercolatorFieldType extends MappedFieldType {
        PercolatorFieldType(String name, Map<String, String> meta) {
            super(name, false, false, false, TextSearchInfo.NONE, meta);
        }

        @Override
        public String typeName() {
            return CONTENT_TYPE;
        }

        @Override
        public ValueFetcher valueFetcher(SearchExecutionContext context, String format) {
            return SourceValueFetcher.identity(name(), context, format);
        }

        @Override
        public Query termQuery(Object value, SearchExecutionContext context) {
            throw new QueryShardException(context, "percolator field [" + name() + "] can't be searched directly: use a [percolate] query");
        }
    }

    static final class PercolatorFieldMapper extends FieldMapper {

        static final class Builder extends FieldMapper.Builder {
            private final Parameter<Map<String, String>> meta = Parameter.metaParam();
            private final Supplier<SearchExecutionContext> contextSupplier;

            Builder(String name, Supplier<SearchExecutionContext> contextSupplier) {
                super(name);
                this.contextSupplier = contextSupplier;
            }

            @Override
            protected Parameter<?>[] getParameters() {
                return new Parameter<?>[] { meta };
            }

            @Override
            public PercolatorFieldMapper build(MapperBuilderContext context) {
                return new PercolatorFieldMapper(
                    name(),
                    new PercolatorFieldType(context.buildFullName(name()), meta.getValue()),
                    multiFieldsBuilder.build(this, context),
                    copyTo,
                    contextSupplier
                );
            }
        }

        private final Supplier<SearchExecutionContext> contextSupplier;

        PercolatorFieldMapper(
            String simpleName,
            MappedFieldType fieldType,
            MultiFields multiFields,
            CopyTo copyTo,
            Supplier<SearchExecutionContext> contextSupplier
        ) {
            super(simpleName, fieldType, multiFields, copyTo);
            this.contextSupplier = contextSupplier;
        }

        @Override
        public FieldMapper.Builder getMergeBuilder() {
            return new Builder(simpleName(), contextSupplier).init(this);
        }

        @Override
        protected String contentType() {
            return CONTENT_TYPE;
        }

        @Override
        protected boolean supportsParsingObject() {
            return true;
        }

        @Override
        protected void parseCreateField(DocumentParserContext context) throws IOException {
            String field = fieldType().name();
            QueryBuilder query = AbstractQueryBuilder.parseTopLevelQuery(context.parser());
            checkSupported(field, query);
            SearchExecutionContext searchContext = contextSupplier.get();
            // Like the real percolator: a stored query naming an unmapped field is an error, not a silent no-match.
            searchContext.setAllowUnmappedFields(false);
            Query luceneQuery = query.toQuery(searchContext);
            Extraction extraction = extract(luceneQuery);

            context.doc().add(new BinaryDocValuesField(sourceField(field), new BytesRef(Strings.toString(query))));
            BytesRef formula = Formula.of(luceneQuery);
            if (formula != null) {
                context.doc().add(new BinaryDocValuesField(formulaField(field), formula));
            }
            if (extraction.unextractable) {
                context.doc().add(new StringField(extractionField(field), UNEXTRACTABLE, Field.Store.NO));
                context.doc().add(new NumericDocValuesField(msmField(field), 1));
            } else {
                for (BytesRef term : extraction.terms) {
                    context.doc().add(new StringField(termsField(field), term, Field.Store.NO));
                }
                context.doc().add(new NumericDocValuesField(msmField(field), Math.max(1, extraction.msm)));
            }
        }
    }

    /** Refuses, when the query is stored, any query type this subset can't index and evaluate. */
    static void checkSupported(String field, QueryBuilder query) {
        if (query instanceof BoolQueryBuilder bool) {
            for (List<QueryBuilder> clauses : List.of(bool.must(), bool.filter(), bool.should(), bool.mustNot())) {
                for (QueryBuilder clause : clauses) {
                    checkSupported(field, clause);
                }
            }
        } else if (query instanceof TermsQueryBuilder terms) {
            if (terms.termsLookup() != null) {
                throw new IllegalArgumentException("percolator field [" + field + "]: [terms] lookups are not supported, give the values inline");
            }
        } else if ((query instanceof TermQueryBuilder
            || query instanceof MatchQueryBuilder
            || query instanceof ExistsQueryBuilder
            || query instanceof MatchAllQueryBuilder) == false) {
            throw new IllegalArgumentException(
                "percolator field ["
                    + field
                    + "]: query type ["
                    + query.getName()
                    + "] is not supported by this test node (bool, term, terms, match, exists, match_all)"
            );
        }
    }

    // ---- term extraction -------------------------------------------------------------------

    /**
     * What a document must contain to possibly match: at least {@code msm} of {@code terms}; or
     * {@code unextractable} (always a candidate); or {@code none} (can never match).
     */
    record Extraction(Set<BytesRef> terms, int msm, boolean unextractable, boolean none) {
        static final Extraction UNKNOWN = new Extraction(Set.of(), 0, true, false);
        static final Extraction NONE = new Extraction(Set.of(), 0, false, true);

        static Extraction of(Set<BytesRef> terms, int msm) {
            return terms.isEmpty() ? NONE : new Extraction(terms, msm, false, false);
        }
    }

    static Extraction extract(Query query) {
        if (query instanceof ConstantScoreQuery q) {
            return extract(q.getQuery());
        }
        if (query instanceof BoostQuery q) {
            return extract(q.getQuery());
        }
        if (query instanceof IndexOrDocValuesQuery q) {
            return extract(q.getIndexQuery()); // keyword terms with doc values: the same terms either way
        }
        if (query instanceof MatchNoDocsQuery) {
            return Extraction.NONE;
        }
        if (query instanceof TermQuery q) {
            return Extraction.of(Set.of(encode(q.getTerm().field(), q.getTerm().bytes())), 1);
        }
        if (query instanceof TermInSetQuery q) {
            Set<BytesRef> terms = new HashSet<>();
            PrefixCodedTerms.TermIterator it = q.getTermData().iterator();
            for (BytesRef term = it.next(); term != null; term = it.next()) {
                terms.add(encode(it.field(), term));
            }
            return Extraction.of(terms, 1);
        }
        if (query instanceof SynonymQuery q) {
            Set<BytesRef> terms = new HashSet<>();
            for (Term t : q.getTerms()) {
                terms.add(encode(t.field(), t.bytes()));
            }
            return Extraction.of(terms, 1);
        }
        if (query instanceof PhraseQuery q) {
            Set<BytesRef> terms = new HashSet<>();
            for (Term t : q.getTerms()) {
                terms.add(encode(t.field(), t.bytes()));
            }
            // Every term of a phrase is required.
            return Extraction.of(terms, terms.size());
        }
        if (query instanceof BooleanQuery q) {
            return extractBoolean(q);
        }
        // exists, match_all, ranges…: no term is known to be required.
        return Extraction.UNKNOWN;
    }

    private static Extraction extractBoolean(BooleanQuery query) {
        List<Extraction> required = new ArrayList<>();
        List<Extraction> optional = new ArrayList<>();
        for (BooleanClause clause : query.clauses()) {
            switch (clause.getOccur()) {
                case MUST, FILTER -> required.add(extract(clause.getQuery()));
                case SHOULD -> optional.add(extract(clause.getQuery()));
                case MUST_NOT -> {
                    // Only narrows the matches: the candidates stay a superset without it.
                }
            }
        }
        int minimumShould = query.getMinimumNumberShouldMatch();
        if (optional.isEmpty() == false && (required.isEmpty() || minimumShould > 0)) {
            required.add(disjunction(optional));
        }
        if (required.isEmpty()) {
            return Extraction.UNKNOWN; // e.g. only must_not clauses
        }
        return conjunction(required);
    }

    private static Extraction disjunction(List<Extraction> clauses) {
        Set<BytesRef> terms = new LinkedHashSet<>();
        int msm = Integer.MAX_VALUE;
        for (Extraction e : clauses) {
            if (e.none) {
                continue;
            }
            if (e.unextractable) {
                return Extraction.UNKNOWN;
            }
            terms.addAll(e.terms);
            msm = Math.min(msm, e.msm);
        }
        return terms.isEmpty() ? Extraction.NONE : Extraction.of(terms, msm);
    }

    private static Extraction conjunction(List<Extraction> clauses) {
        List<Extraction> known = new ArrayList<>();
        for (Extraction e : clauses) {
            if (e.none) {
                return Extraction.NONE;
            }
            if (e.unextractable == false) {
                known.add(e);
            }
        }
        if (known.isEmpty()) {
            return Extraction.UNKNOWN;
        }
        Set<BytesRef> terms = new LinkedHashSet<>();
        int sum = 0;
        int max = 0;
        boolean disjoint = true;
        for (Extraction e : known) {
            for (BytesRef t : e.terms) {
                if (terms.add(t) == false) {
                    disjoint = false;
                }
            }
            sum += e.msm;
            max = Math.max(max, e.msm);
        }
        // Clauses on different terms each need their own matches; overlapping ones may share them.
        return Extraction.of(terms, disjoint ? sum : max);
    }

    // ---- the query ---------------------------------------------------------------------------

    static final class PercolateQueryBuilder extends AbstractQueryBuilder<PercolateQueryBuilder> {
        static final String NAME = "percolate";

        private final String field;
        private final BytesReference document;

        PercolateQueryBuilder(String field, BytesReference document) {
            this.field = Objects.requireNonNull(field);
            this.document = Objects.requireNonNull(document);
        }

        PercolateQueryBuilder(StreamInput in) throws IOException {
            super(in);
            field = in.readString();
            document = in.readBytesReference();
        }

        @Override
        protected void doWriteTo(StreamOutput out) throws IOException {
            out.writeString(field);
            out.writeBytesReference(document);
        }

        @Override
        protected void doXContent(XContentBuilder builder, Params params) throws IOException {
            builder.startObject(NAME);
            builder.field("field", field);
            XContentHelper.writeRawField("document", document, XContentType.JSON, builder, params);
            printBoostAndQueryName(builder);
            builder.endObject();
        }

        static PercolateQueryBuilder fromXContent(XContentParser parser) throws IOException {
            String field = null;
            BytesReference document = null;
            float boost = DEFAULT_BOOST;
            String queryName = null;
            String current = null;
            XContentParser.Token token;
            while ((token = parser.nextToken()) != XContentParser.Token.END_OBJECT) {
                if (token == XContentParser.Token.FIELD_NAME) {
                    current = parser.currentName();
                } else if (token == XContentParser.Token.START_OBJECT && "document".equals(current)) {
                    try (XContentBuilder b = XContentFactory.jsonBuilder()) {
                        b.copyCurrentStructure(parser);
                        document = BytesReference.bytes(b);
                    }
                } else if (token.isValue() && "field".equals(current)) {
                    field = parser.text();
                } else if (token.isValue() && "boost".equals(current)) {
                    boost = parser.floatValue();
                } else if (token.isValue() && "_name".equals(current)) {
                    queryName = parser.text();
                } else {
                    throw new ParsingException(
                        parser.getTokenLocation(),
                        "[percolate] on this test node takes only [field] and one inline [document], not [" + current + "]"
                    );
                }
            }
            if (field == null || document == null) {
                throw new ParsingException(parser.getTokenLocation(), "[percolate] needs [field] and [document]");
            }
            PercolateQueryBuilder builder = new PercolateQueryBuilder(field, document);
            builder.boost(boost);
            builder.queryName(queryName);
            return builder;
        }

        @Override
        protected Query doToQuery(SearchExecutionContext context) throws IOException {
            MappedFieldType fieldType = context.getFieldType(field);
            if (fieldType == null) {
                throw new QueryShardException(context, "field [" + field + "] does not exist");
            }
            if ((fieldType instanceof PercolatorFieldType) == false) {
                throw new QueryShardException(
                    context,
                    "expected field [" + field + "] to be of type [percolator], but is of type [" + fieldType.typeName() + "]"
                );
            }
            ParsedDocument parsed = context.parseDocument(new SourceToParse("_percolated", document, XContentType.JSON));
            if (parsed.docs().size() > 1) {
                throw new QueryShardException(context, "[percolate] on this test node does not support nested documents");
            }
            NamedAnalyzer keyword = new NamedAnalyzer("keyword", AnalyzerScope.GLOBAL, new KeywordAnalyzer());
            MemoryIndex memoryIndex = MemoryIndex.fromDocument(parsed.rootDoc(), context.getIndexAnalyzer(f -> keyword), true, false);
            IndexSearcher memorySearcher = memoryIndex.createSearcher();
            memorySearcher.setQueryCache(null);

            List<Query> documentTerms = new ArrayList<>();
            Set<BytesRef> encodedTerms = new HashSet<>();
            Set<String> fields = new HashSet<>();
            LeafReader reader = memorySearcher.getIndexReader().leaves().get(0).reader();
            String termsField = termsField(fieldType.name());
            for (FieldInfo info : reader.getFieldInfos()) {
                fields.add(info.name);
                Terms terms = reader.terms(info.name);
                if (terms == null) {
                    continue;
                }
                TermsEnum it = terms.iterator();
                for (BytesRef term = it.next(); term != null; term = it.next()) {
                    BytesRef encoded = encode(info.name, term);
                    encodedTerms.add(encoded);
                    documentTerms.add(new TermQuery(new Term(termsField, encoded)));
                }
            }
            BooleanQuery.Builder candidates = new BooleanQuery.Builder();
            if (documentTerms.isEmpty() == false) {
                candidates.add(
                    new CoveringQuery(documentTerms, LongValuesSource.fromLongField(msmField(fieldType.name()))),
                    BooleanClause.Occur.SHOULD
                );
            }
            candidates.add(new TermQuery(new Term(extractionField(fieldType.name()), UNEXTRACTABLE)), BooleanClause.Occur.SHOULD);
            return new PercolateQuery(fieldType.name(), candidates.build(), memorySearcher, context, new Formula.Doc(encodedTerms, fields));
        }

        @Override
        protected boolean doEquals(PercolateQueryBuilder other) {
            return field.equals(other.field) && document.equals(other.document);
        }

        @Override
        protected int doHashCode() {
            return Objects.hash(field, document);
        }

        @Override
        public String getWriteableName() {
            return NAME;
        }

        @Override
        public TransportVersion getMinimalSupportedVersion() {
            return TransportVersions.V_8_0_0;
        }
    }

    /** Candidates from the extracted terms, each confirmed by running its stored query on the document. */
    static final class PercolateQuery extends Query {
        private final String field;
        private final Query candidates;
        private final IndexSearcher memorySearcher;
        private final SearchExecutionContext context;
        private final Formula.Doc doc;

        PercolateQuery(String field, Query candidates, IndexSearcher memorySearcher, SearchExecutionContext context, Formula.Doc doc) {
            this.field = field;
            this.candidates = candidates;
            this.memorySearcher = memorySearcher;
            this.context = context;
            this.doc = doc;
        }

        /** Synchronized: the search context and the MemoryIndex are not meant for concurrent use. */
        synchronized boolean storedQueryMatches(BytesRef source) throws IOException {
            QueryBuilder builder;
            try (
                XContentParser parser = XContentType.JSON.xContent()
                    .createParser(context.getParserConfig(), source.bytes, source.offset, source.length)
            ) {
                builder = AbstractQueryBuilder.parseTopLevelQuery(parser);
            }
            Query query = builder.toQuery(context);
            return memorySearcher.count(query) > 0;
        }

        @Override
        public Weight createWeight(IndexSearcher searcher, ScoreMode scoreMode, float boost) throws IOException {
            Weight candidateWeight = searcher.createWeight(searcher.rewrite(candidates), ScoreMode.COMPLETE_NO_SCORES, 1f);
            String source = sourceField(field);
            return new ConstantScoreWeight(this, boost) {
                @Override
                public Scorer scorer(LeafReaderContext leaf) throws IOException {
                    Scorer candidateScorer = candidateWeight.scorer(leaf);
                    if (candidateScorer == null) {
                        return null;
                    }
                    BinaryDocValues sources = DocValues.getBinary(leaf.reader(), source);
                    BinaryDocValues formulas = DocValues.getBinary(leaf.reader(), formulaField(field));
                    DocIdSetIterator approximation = candidateScorer.iterator();
                    TwoPhaseIterator confirmed = new TwoPhaseIterator(approximation) {
                        @Override
                        public boolean matches() throws IOException {
                            int docId = approximation.docID();
                            if (formulas.advanceExact(docId)) {
                                // Term-only queries: decided on the document's terms, without parsing the query.
                                return Formula.matches(formulas.binaryValue(), doc);
                            }
                            return sources.advanceExact(docId) && storedQueryMatches(sources.binaryValue());
                        }

                        @Override
                        public float matchCost() {
                            return 1000f;
                        }
                    };
                    return new ConstantScoreScorer(this, score(), scoreMode, confirmed);
                }

                @Override
                public boolean isCacheable(LeafReaderContext leaf) {
                    return false; // the answer depends on the percolated document
                }
            };
        }

        @Override
        public void visit(QueryVisitor visitor) {
            visitor.visitLeaf(this);
        }

        @Override
        public String toString(String f) {
            return "PercolateQuery{field=" + field + ", candidates=" + candidates + "}";
        }

        @Override
        public boolean equals(Object other) {
            return this == other;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    /**
     * A stored query's Lucene form as a compact boolean formula over the document's terms, for the
     * queries made only of term sets, exists and bool (most of them): confirming a candidate is then
     * a few set lookups instead of parsing the query and searching the MemoryIndex. Lucene's rules:
     * a bool needs every must/filter clause, no must_not one, and its should clauses as Lucene counts
     * them (at least minimum_should_match, or one when there is no required clause).
     */
    static final class Formula {
        private static final byte ALL = 1, NONE = 2, SET = 3, EXISTS = 4, BOOL = 5;

        record Doc(Set<BytesRef> terms, Set<String> fields) {}

        /** The formula of `query`, or null when it holds anything else (the stored query is run instead). */
        static BytesRef of(Query query) throws IOException {
            ByteBuffersDataOutput out = new ByteBuffersDataOutput();
            return write(query, out) ? new BytesRef(out.toArrayCopy()) : null;
        }

        private static void writeSet(ByteBuffersDataOutput out, List<BytesRef> terms) throws IOException {
            out.writeByte(SET);
            out.writeVInt(terms.size());
            for (BytesRef t : terms) {
                out.writeVInt(t.length);
                out.writeBytes(t.bytes, t.offset, t.length);
            }
        }

        private static boolean write(Query query, ByteBuffersDataOutput out) throws IOException {
            if (query instanceof ConstantScoreQuery q) {
                return write(q.getQuery(), out);
            }
            if (query instanceof BoostQuery q) {
                return write(q.getQuery(), out);
            }
            if (query instanceof IndexOrDocValuesQuery q) {
                return write(q.getIndexQuery(), out);
            }
            if (query instanceof MatchAllDocsQuery) {
                out.writeByte(ALL);
                return true;
            }
            if (query instanceof MatchNoDocsQuery) {
                out.writeByte(NONE);
                return true;
            }
            if (query instanceof TermQuery q) {
                writeSet(out, List.of(PercolatorSubsetPlugin.encode(q.getTerm().field(), q.getTerm().bytes())));
                return true;
            }
            if (query instanceof TermInSetQuery q) {
                List<BytesRef> terms = new ArrayList<>();
                PrefixCodedTerms.TermIterator it = q.getTermData().iterator();
                for (BytesRef term = it.next(); term != null; term = it.next()) {
                    terms.add(PercolatorSubsetPlugin.encode(it.field(), term));
                }
                writeSet(out, terms);
                return true;
            }
            if (query instanceof SynonymQuery q) {
                List<BytesRef> terms = new ArrayList<>();
                for (Term t : q.getTerms()) {
                    terms.add(PercolatorSubsetPlugin.encode(t.field(), t.bytes()));
                }
                writeSet(out, terms);
                return true;
            }
            if (query instanceof FieldExistsQuery q) {
                out.writeByte(EXISTS);
                out.writeString(q.getField());
                return true;
            }
            if (query instanceof BooleanQuery q) {
                List<Query> required = new ArrayList<>();
                List<Query> optional = new ArrayList<>();
                List<Query> excluded = new ArrayList<>();
                for (BooleanClause clause : q.clauses()) {
                    switch (clause.getOccur()) {
                        case MUST, FILTER -> required.add(clause.getQuery());
                        case SHOULD -> optional.add(clause.getQuery());
                        case MUST_NOT -> excluded.add(clause.getQuery());
                    }
                }
                out.writeByte(BOOL);
                out.writeVInt(q.getMinimumNumberShouldMatch());
                for (List<Query> clauses : List.of(required, optional, excluded)) {
                    out.writeVInt(clauses.size());
                    for (Query clause : clauses) {
                        if (write(clause, out) == false) {
                            return false;
                        }
                    }
                }
                return true;
            }
            return false;
        }

        static boolean matches(BytesRef formula, Doc doc) throws IOException {
            return eval(new ByteArrayDataInput(formula.bytes, formula.offset, formula.length), formula.bytes, doc);
        }

        /** Reads one node and its children whatever the answer, so the cursor always ends after the node. */
        private static boolean eval(ByteArrayDataInput in, byte[] bytes, Doc doc) throws IOException {
            byte type = in.readByte();
            switch (type) {
                case ALL:
                    return true;
                case NONE:
                    return false;
                case SET: {
                    int count = in.readVInt();
                    boolean found = false;
                    BytesRef scratch = new BytesRef(bytes, 0, 0);
                    for (int i = 0; i < count; i++) {
                        int length = in.readVInt();
                        if (found == false) {
                            scratch.offset = in.getPosition();
                            scratch.length = length;
                            found = doc.terms().contains(scratch);
                        }
                        in.skipBytes(length);
                    }
                    return found;
                }
                case EXISTS:
                    return doc.fields().contains(in.readString());
                case BOOL: {
                    int minimumShould = in.readVInt();
                    boolean ok = true;
                    int requiredCount = in.readVInt();
                    for (int i = 0; i < requiredCount; i++) {
                        ok &= eval(in, bytes, doc);
                    }
                    int optionalCount = in.readVInt();
                    int matchedShould = 0;
                    for (int i = 0; i < optionalCount; i++) {
                        if (eval(in, bytes, doc)) {
                            matchedShould++;
                        }
                    }
                    int excludedCount = in.readVInt();
                    for (int i = 0; i < excludedCount; i++) {
                        ok &= eval(in, bytes, doc) == false;
                    }
                    if (requiredCount == 0 && optionalCount == 0) {
                        return false; // a purely negative bool matches nothing in Lucene
                    }
                    int neededShould = minimumShould > 0 ? minimumShould : (requiredCount == 0 ? 1 : 0);
                    return ok && matchedShould >= neededShould;
                }
                default:
                    throw new IllegalStateException("unknown formula node " + type);
            }
        }
    }
}
