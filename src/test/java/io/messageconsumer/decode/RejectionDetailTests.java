package io.messageconsumer.decode;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.messageconsumer.message.DeadLetterReason;
import io.messageconsumer.message.RejectedMessageException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The detail of a message that does not parse, in the service's own words: what was wrong, where,
 * and what was expected.
 */
class RejectionDetailTests {

	private final EnvelopeDecoder decoder = new EnvelopeDecoder(MessageJson.create(new JsonLimits(4, 10, 16, 4096,
			4096, 4096)), 4096);

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
			{"type":"order","total":NaN}         | NaN is not a JSON number (numbers must be finite) at line 1, column 28
			{"type":"order","total":-Infinity}   | -Infinity is not a JSON number (numbers must be finite) at line 1, column 34
			{"type":"order",}                    | trailing comma before '}', expected a member name in double quotes at line 1, column 17
			{type:"order"}                       | unexpected 't', expected a member name in double quotes at line 1, column 2
			{'type':'order'}                     | unexpected ''', expected a member name in double quotes at line 1, column 2
			{"type":"order","type":"x"}          | duplicate member "type" at line 1, column 23
			{"type":"order" "id":"x"}            | unexpected '"', expected ',' or '}' at line 1, column 17
			{"type" "order"}                     | unexpected '"', expected ':' after the member name at line 1, column 9
			{"type":"order","a":[1,]}            | trailing comma before ']', expected a value at line 1, column 24
			{"type":"order","a":1]               | unexpected ']', expected '}' at line 1, column 22
			{"type":"order"                      | unexpected end of input, expected '}' at line 1, column 16
			{"type":"ord                         | unexpected end of input inside a string at line 1, column 13
			{"type":"order"} x                   | unrecognized token 'x', expected a JSON value (string, number, object, array, true, false or null) at line 1, column 18
			{"type":"order"} {}                  | more than one JSON value: unexpected content after the end of the first one at line 1, column 18
			not json                             | unrecognized token 'not', expected a JSON value (string, number, object, array, true, false or null) at line 1, column 1
			{"type":"order" /* c */}             | comments are not allowed in JSON at line 1, column 17
			{"type":"order","n":01}              | invalid number: leading zeroes are not allowed at line 1, column 22
			{"type":"order","n":+1}              | a number must not start with '+' at line 1, column 22
			{"type":"order","s":"\\q"}           | invalid escape sequence in a string: backslash followed by 'q' at line 1, column 23
			{"type":"order","n":12345678901}     | number of 11 characters is longer than the limit of 10 (consumer.json.max-number-length)
			{"type":"order","a":[[[[1]]]]}       | nesting depth 5 is over the limit of 4 (consumer.json.max-nesting-depth)
			{"type":"order","nnnnnnnnnnnnnnnnn":1} | member name of 17 characters is longer than the limit of 16 (consumer.json.max-name-length)
			""")
	void describesInvalidJson(String json, String detail) {
		RejectedMessageException ex = catchThrowableOfType(RejectedMessageException.class,
				() -> this.decoder.decode(json.getBytes(StandardCharsets.UTF_8)));
		assertThat(ex).as(json).isNotNull();
		assertThat(ex.reason()).isEqualTo(DeadLetterReason.INVALID_JSON);
		assertThat(ex.getMessage()).isEqualTo(detail);
	}

}
