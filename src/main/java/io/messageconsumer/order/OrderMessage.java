package io.messageconsumer.order;

import java.math.BigDecimal;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

/**
 * The payload of an {@code order} message.
 *
 * @param id the order id: non-blank, at most 128 characters
 * @param customerId the customer, optional
 * @param items the order lines, optional
 * @param total the order total, not negative
 * @param currency ISO 4217 code: three capital letters
 */
public record OrderMessage(@NotBlank @Size(max = 128) String id, @Size(max = 256) String customerId,
		@Size(max = 1000) List<@Valid @NotNull Item> items, @PositiveOrZero BigDecimal total,
		@Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code of three capital letters") String currency) {

	/**
	 * One order line.
	 *
	 * @param sku the stock-keeping unit
	 * @param quantity how many, more than zero
	 * @param unitPrice the price of one, not negative
	 */
	public record Item(@Size(max = 256) String sku, @NotNull @Positive Integer quantity,
			@PositiveOrZero BigDecimal unitPrice) {
	}

}
