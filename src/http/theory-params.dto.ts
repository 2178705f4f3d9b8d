import { IsOptional, IsString, Length } from 'class-validator';
import { AsOfParams } from './query-params.dto';

/** `?against=<experiment|group>` for Thm 5, besides the as-of flags. */
export class TheoryParams extends AsOfParams {
  @IsOptional() @IsString() @Length(1, 300) readonly against?: string;
}
